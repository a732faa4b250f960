package io.pushsync.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat answers itself, before any filter or servlet (e.g. an encoded {@code /} in the path, a path
 * leaving the root): Problem Details instead of Tomcat's HTML error report. Replaces the error report valve Boot adds
 * ({@code server.error.include-stacktrace=never}); runs after Boot's customizer so that it is the only one.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorConfig implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Container parent = context.getParent();
            for (Valve valve : parent.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    parent.getPipeline().removeValve(valve);
                }
            }
            if (parent instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
            parent.getPipeline().addValve(new ProblemReportValve());
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Tomcat's error report as an {@code application/problem+json} body: no server info, no exception. */
    public static class ProblemReportValve extends ErrorReportValve {

        public ProblemReportValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            String title = known == null ? "Error" : known.getReasonPhrase();
            String detail = status >= 500 ? "pushsync failed to answer the request"
                    : status == 400 ? "the request is not valid HTTP or its URL is not allowed (e.g. an encoded '/' or "
                            + "a path leaving the root): send a normalized URL"
                    : "the request failed: " + status + " " + title;
            String type = status == 400 ? ProblemTypes.REQUEST_REJECTED : ProblemTypes.forStatus(status);
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                PrintWriter writer = response.getReporter();
                if (writer != null) {
                    writer.write("{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                            + ",\"detail\":\"" + detail + "\"}");
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response is committed: nothing more to say
            }
        }
    }
}
