package io.pushsync.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}, UI at {@code /swagger-ui.html}): the v1 API, bearer-protected. */
@Configuration
class OpenApiConfig {

    static final String BEARER = "bearer";

    @Bean
    OpenAPI pushsyncOpenApi() {
        return new OpenAPI()
                .info(new Info().title("pushsync").version("v1").description("""
                        The last mile of reverse ETL: batches of rows, keyed by destination field names, written \
                        into Xtremepush and CleverPush, with one result per row in input order. Request errors are \
                        Problem Details (application/problem+json); row outcomes live in the 200 body."""))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("a token of pushsync.api-tokens")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
