package io.pushsync.testsupport;

import io.pushsync.PushsyncApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Several pushsync instances in one JVM, each a full application context on its own random port (127.0.0.1), as
 * replicas behind a load balancer. Properties are passed as command-line arguments, so they win over
 * {@code application.yml}. Reusable by any cross-replica test: start, call over real HTTP, {@link #close()}.
 */
public final class PushsyncReplicas implements AutoCloseable {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PushsyncReplicas() {
    }

    /** Starts {@code count} replicas with the same properties (plus {@code server.port=0}). */
    public static PushsyncReplicas start(int count, Map<String, String> properties) {
        PushsyncReplicas replicas = new PushsyncReplicas();
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> all = new LinkedHashMap<>();
                all.put("server.port", "0");
                all.put("server.address", "127.0.0.1");
                all.put("spring.application.name", "pushsync-replica-" + i);
                all.putAll(properties);
                String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new);
                replicas.contexts.add(new SpringApplicationBuilder(PushsyncApplication.class)
                        .initializers(PushsyncReplicas::ownReactorResources).run(args));
            }
        } catch (RuntimeException | Error e) {
            replicas.close();
            throw e;
        }
        return replicas;
    }

    /**
     * Gives a replica Reactor Netty resources of its own. Spring's {@link ReactorResourceFactory} (as Spring Boot
     * configures it) uses Reactor Netty's global resources, one set per JVM, and closing its context disposes them,
     * waiting without a bound: in a JVM that runs other contexts beside the replicas (a test run), a replica's close
     * would dispose resources the others use, and can wait for ever (a test run hung there, in
     * {@code ReactorResourceFactory.stop}). A replica's own are disposed with it and touch nothing else; Spring
     * Boot's factory steps aside for this bean.
     */
    private static void ownReactorResources(ConfigurableApplicationContext context) {
        ((GenericApplicationContext) context).registerBean("reactorResourceFactory", ReactorResourceFactory.class,
                () -> {
                    ReactorResourceFactory factory = new ReactorResourceFactory();
                    factory.setUseGlobalResources(false);
                    return factory;
                });
    }

    /** What every replica needs to share state in a test Redis, under a key prefix of its own. */
    public static Map<String, String> redisState(RedisServerExtension redis) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pushsync.state.store", "redis");
        p.put("pushsync.state.key-prefix", RedisServerExtension.uniquePrefix());
        p.put("spring.data.redis.host", redis.host());
        p.put("spring.data.redis.port", Integer.toString(redis.port()));
        return p;
    }

    public int size() {
        return contexts.size();
    }

    public ConfigurableApplicationContext context(int replica) {
        return contexts.get(replica);
    }

    public int port(int replica) {
        return ((WebServerApplicationContext) contexts.get(replica)).getWebServer().getPort();
    }

    public URI uri(int replica, String path) {
        return URI.create("http://127.0.0.1:" + port(replica) + path);
    }

    /** POSTs JSON to a replica with a bearer token. */
    public HttpResponse<String> post(int replica, String path, String json, String token)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(replica, path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(int replica, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(replica, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext c : contexts) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more
            }
        }
        contexts.clear();
    }
}
