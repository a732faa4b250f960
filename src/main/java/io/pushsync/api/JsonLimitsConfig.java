package io.pushsync.api;

import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.jobs.JobProperties;
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
    JsonFactoryBuilderCustomizer requestSizeConstraints(BatchProperties properties, JobProperties jobs) {
        // one parser for both: the larger of the two bounds; the Content-Length filter applies each to its path
        long maxBody = Math.max(properties.maxBodySize().toBytes(), jobs.maxBodySize().toBytes());
        return factory -> factory.streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(maxBody)
                .maxNestingDepth(properties.maxNestingDepth())
                .build());
    }
}
