package io.pushsync.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator console in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, never a
 * downloaded browser or driver), driven through Selenium against the {@code sandbox} profile on a real port: log in,
 * run a batch with rejected rows, find it in the list, open it, see its failures by code, download the CSV, watch a
 * running job's progress bar advance and cancel it. Screenshots go to {@code target/console-screenshots/}.
 *
 * <p>Skipped (visibly) when the browser or its driver is not installed, unless {@code PUSHSYNC_REQUIRE_BROWSER=true}
 * (set by {@code .ci/run}), which makes that a failure.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("sandbox")
class ConsoleBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final int PORT = freePort();
    static final String CALLER_TOKEN = "sandbox-token";
    /** Credentials the sandbox's batches carry, and the console's own password: none may appear on a page. */
    static final List<String> SECRETS = List.of("sandbox-token", "sandbox-app-token", "sandbox-api-key",
            "sandbox-client-secret");

    static ChromeDriverService service;
    static WebDriver browser;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final JsonMapper json = JsonMapper.builder().build();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            String why = "chromium/chromedriver not installed: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed "
                    + "(Debian packages chromium and chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("PUSHSYNC_REQUIRE_BROWSER"))) {
                throw new AssertionError(why + ", and PUSHSYNC_REQUIRE_BROWSER=true");
            }
            Assumptions.assumeTrue(false, why);
        }
        // the installed driver and browser only: Selenium Manager never looks for (or downloads) others
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Files.createDirectories(SCREENSHOTS);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1366,900", "--lang=en-GB");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    // ---------------------------------------------------------------- helpers (127.0.0.1 only)

    String url(String path) {
        return "http://127.0.0.1:" + PORT + path;
    }

    JsonNode postV1(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CALLER_TOKEN).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        return json.readTree(r.body());
    }

    void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    /** The page as served holds no secret (the rendered DOM, and the raw source). */
    void assertNoSecret() {
        String source = browser.getPageSource();
        for (String secret : SECRETS) {
            assertThat(source).as("page %s", browser.getCurrentUrl()).doesNotContain(secret);
        }
    }

    WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    void logIn(String user, String password) {
        browser.get(url("/console/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
    }

    // ---------------------------------------------------------------- the walk-through

    @Test
    void anOperatorFollowsABatchAndAJobThroughTheConsole() throws Exception {
        // anonymous: the console sends people to its login page
        browser.get(url("/console"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        logIn("sandbox", "wrong-password");
        assertThat(browser.findElement(By.cssSelector(".alert.error")).getText()).contains("Wrong");
        screenshot("01-login-refused");

        logIn("sandbox", "sandbox");
        waitUpTo(10).until(ExpectedConditions.urlToBe(url("/console")));

        // a batch with rows the sandbox (and pushsync's own checks) reject
        ObjectNode batch = (ObjectNode) json.readTree(Files.readString(Path.of("examples/xtremepush-profiles.json")));
        String batchId = "console-" + UUID.randomUUID();
        batch.put("batchId", batchId);
        JsonNode answer = postV1("/v1/destinations/xtremepush/batches", batch.toString());
        assertThat(answer.at("/summary/failed").asInt()).isEqualTo(4);

        // find it in the list (filtered by destination and outcome), open it
        browser.get(url("/console"));
        new Select(browser.findElement(By.id("filter-destination"))).selectByValue("xtremepush");
        new Select(browser.findElement(By.id("filter-outcome"))).selectByValue("failed");
        browser.findElement(By.id("filter")).click();
        WebElement link = waitUpTo(10).until(ExpectedConditions.elementToBeClickable(By.linkText(batchId)));
        assertNoSecret();
        screenshot("02-runs");
        link.click();

        // its failures grouped by code, with counts and the retryable flag
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.codes")));
        WebElement rejected = browser.findElement(By.cssSelector("table.codes tr[data-code='rejected_by_destination']"));
        assertThat(rejected.getText()).contains("1").contains("not retryable");
        assertThat(browser.findElements(By.cssSelector("table.codes tbody tr"))).hasSize(4);
        assertThat(browser.findElement(By.cssSelector("table.rows")).getText()).contains("reject-5");
        assertNoSecret();
        screenshot("03-batch-failures");

        // the CSV, fetched with the browser's session
        String href = browser.findElement(By.id("csv")).getAttribute("href");
        Cookie session = browser.manage().getCookieNamed("JSESSIONID");
        HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", "JSESSIONID=" + session.getValue()).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("id,code,field,message,retryable");
        assertThat(lines).hasSize(5);
        assertThat(lines.subList(1, 5)).extracting(l -> l.substring(0, l.indexOf(',')))
                .containsExactly("r3", "r4", "r5", "r6");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("r5,rejected_by_destination,,")
                .endsWith(",false"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("r3,invalid_phone_number,mobile_number,"));
        Files.writeString(SCREENSHOTS.resolve("failures-" + batchId + ".csv"), csv.body());
        for (String secret : SECRETS) {
            assertThat(csv.body()).doesNotContain(secret);
        }

        // a job of 400 CleverPush tag rows (about 20 s at the sandbox's rate): its progress bar advances
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 400; i++) {
            rows.append(i > 1 ? "," : "").append("{\"id\":\"j").append(i)
                    .append("\",\"fields\":{\"subscription_id\":\"sub-100").append(i % 3 + 1)
                    .append("\",\"tags\":\"vip\"}}");
        }
        String jobBody = "{\"syncId\":\"console-job\",\"batchId\":\"job-" + UUID.randomUUID() + "\","
                + "\"connection\":{\"channelId\":\"sandbox-channel\",\"apiKey\":\"sandbox-api-key\"},"
                + "\"objectType\":\"tags\",\"mode\":\"add\",\"rows\":[" + rows + "]}";
        String jobId = postV1("/v1/destinations/cleverpush/jobs", jobBody).get("jobId").asString();

        browser.get(url("/console"));
        waitUpTo(10).until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "a.run-link[href$='/console/jobs/" + jobId + "']"))).click();
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("bar")));
        int first = waitUpTo(10).until(d -> {
            int v = barValue();
            return v > 0 ? v : null;
        });
        screenshot("04-job-running");
        int later = waitUpTo(15).until(d -> {
            int v = barValue();
            return v > first + 10 ? v : null;
        });
        assertThat(later).as("the bar follows the job without a reload").isGreaterThan(first).isLessThan(400);
        assertThat(browser.findElement(By.id("rate")).getText()).matches("[0-9.]+");
        assertNoSecret();
        screenshot("05-job-advanced");

        // cancel it: the state becomes cancelled
        browser.findElement(By.id("cancel")).click();
        waitUpTo(20).until(d -> "cancelled".equals(d.findElement(By.id("state")).getText()));
        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("cancel")));
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                "table.codes tr[data-code='cancelled']")));
        assertNoSecret();
        screenshot("06-job-cancelled");

        // the vendor accounts this replica talked to: digests, never the credentials
        browser.get(url("/console/accounts"));
        String accounts = browser.findElement(By.cssSelector("table.accounts")).getText();
        assertThat(accounts).contains("cleverpush-").contains("xtremepush-").contains("closed");
        assertNoSecret();
        screenshot("07-accounts");
    }

    private int barValue() {
        String value = browser.findElement(By.id("bar")).getAttribute("value");
        return value == null || value.isEmpty() ? 0 : (int) Double.parseDouble(value);
    }
}
