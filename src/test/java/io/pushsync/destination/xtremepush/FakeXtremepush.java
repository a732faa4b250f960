package io.pushsync.destination.xtremepush;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Xtremepush's profile import played by a JDK {@code HttpServer} on 127.0.0.1 that knows which requests are in
 * flight at once: the most there ever were, and every request that arrived while another one held one of its
 * {@code user_id}s. A {@link Responder} decides each answer and may hold the request first. Registered as a JUnit
 * extension, it stops when the whole test run ends (test classes with other settings share it).
 */
final class FakeXtremepush implements BeforeAllCallback, AutoCloseable {

    /** The answer's status for the {@code arrival}-th request (from 1); may block to hold the request. */
    @FunctionalInterface
    interface Responder {
        int answer(FakeXtremepush vendor, int arrival, JsonNode body) throws InterruptedException;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private volatile Responder responder = (vendor, arrival, body) -> 200;
    private final List<JsonNode> bodies = new ArrayList<>();
    private final Set<String> userIdsInFlight = new HashSet<>();
    private final List<String> overlaps = new ArrayList<>();
    private final List<Integer> statuses = new ArrayList<>();
    private int inFlight;
    private int mostInFlight;

    FakeXtremepush() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized void reset(Responder next) {
        responder = next;
        bodies.clear();
        userIdsInFlight.clear();
        overlaps.clear();
        statuses.clear();
        inFlight = 0;
        mostInFlight = 0;
    }

    /**
     * Answers 200 to requests that come {@code together}: the k-th waits (up to 10 s) until the last request of its
     * group of {@code together} has arrived, then up to {@code window} more for another one - which would be one
     * request too many in flight, and shows as {@link #mostInFlight()} above {@code together}.
     */
    static Responder holding(int together, Duration window) {
        return (vendor, arrival, body) -> {
            int groupEnd = ((arrival + together - 1) / together) * together;
            vendor.awaitArrivals(Duration.ofSeconds(10), n -> n >= groupEnd);
            vendor.awaitArrivals(window, n -> n > groupEnd);
            return 200;
        };
    }

    /** Waits until the number of requests that arrived so far passes {@code until}, or {@code atMost} has passed. */
    synchronized void awaitArrivals(Duration atMost, IntPredicate until) throws InterruptedException {
        awaitState(atMost, () -> until.test(bodies.size()));
    }

    /** Waits until a request has been answered with {@code status}, or {@code atMost} has passed. */
    synchronized void awaitAnswered(int status, Duration atMost) throws InterruptedException {
        awaitState(atMost, () -> statuses.contains(status));
    }

    synchronized int mostInFlight() {
        return mostInFlight;
    }

    /** The request bodies, in the order they arrived. */
    synchronized List<JsonNode> bodies() {
        return List.copyOf(bodies);
    }

    /** Requests that arrived while another one in flight held one of their user ids. */
    synchronized List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** The user ids of a request's rows, in order. */
    static List<String> userIds(JsonNode body) {
        List<String> columns = new ArrayList<>();
        body.get("columns").forEach(c -> columns.add(c.asString()));
        int column = columns.indexOf("user_id");
        List<String> ids = new ArrayList<>();
        body.get("rows").forEach(row -> ids.add(row.get(column).asString()));
        return ids;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // closed by JUnit with the root store, after the last class that uses it
        context.getRoot().getStore(ExtensionContext.Namespace.create(FakeXtremepush.class))
                .computeIfAbsent(this, vendor -> this);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void awaitState(Duration atMost, java.util.function.BooleanSupplier reached) throws InterruptedException {
        long end = System.nanoTime() + atMost.toNanos();
        while (!reached.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            List<String> ids = userIds(body);
            int arrival;
            synchronized (this) {
                arrival = bodies.size() + 1;
                bodies.add(body);
                inFlight++;
                mostInFlight = Math.max(mostInFlight, inFlight);
                if (ids.stream().anyMatch(userIdsInFlight::contains)) {
                    overlaps.add("request " + arrival + " " + ids + " while " + userIdsInFlight + " were in flight");
                }
                userIdsInFlight.addAll(ids);
                notifyAll();
            }
            int status;
            try {
                status = responder.answer(this, arrival, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 500;
            }
            synchronized (this) {
                // out of flight before the answer leaves: the next chunk can only be sent after it
                inFlight--;
                ids.forEach(userIdsInFlight::remove);
                statuses.add(status);
                notifyAll();
            }
            byte[] answer = ("{\"code\":" + status + ",\"success\":" + (status < 300) + ",\"message\":\""
                    + (status < 300 ? "ok" : "refused") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }
}
