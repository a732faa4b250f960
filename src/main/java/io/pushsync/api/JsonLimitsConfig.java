package io.pushsync.api;

import io.pushsync.sync.BatchProperties;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;

/**
 * Bounds what the JSON parser accepts: a body longer than {@code pushsync.batch.max-body-size} (413) or nested deeper
 * than {@code pushsync.batch.max-nesting-depth} (400) stops parsing.
 */
@Configuration
class JsonLimitsConfig {

    @Bean
    JsonFactoryBuilderCustomizer requestSizeConstraints(BatchProperties properties) {
        return factory -> factory.streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(properties.maxBodySize().toBytes())
                .maxNestingDepth(properties.maxNestingDepth())
                .build());
    }
}
