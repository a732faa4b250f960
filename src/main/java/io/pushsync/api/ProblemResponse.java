package io.pushsync.api;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * An error answer of an operation in the OpenAPI document: a Problem Details body ({@code application/problem+json},
 * the {@link ProblemDetail} schema) with its status code and description. Springdoc reads it as the
 * {@link ApiResponse} it is meta-annotated with; repeatable, on a controller (every operation) or an operation.
 * {@link Unauthorized} is the 401 of every {@code /v1} controller.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(ProblemResponse.List.class)
@ApiResponse(content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
        schema = @Schema(implementation = ProblemDetail.class)))
public @interface ProblemResponse {

    /** The HTTP status code, e.g. {@code "404"}. */
    @AliasFor(annotation = ApiResponse.class, attribute = "responseCode")
    String code();

    /** When the operation answers with this status. */
    @AliasFor(annotation = ApiResponse.class, attribute = "description")
    String description();

    /** The container of repeated {@link ProblemResponse}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @interface List {
        ProblemResponse[] value();
    }

    /** The 401 every {@code /v1} operation may answer: no caller token, or one not in {@code pushsync.api-tokens}. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ProblemResponse(code = "401", description = "caller token missing or wrong")
    @interface Unauthorized {
    }
}
