package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.sync.RowFields;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class NormalisedBlocksTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ProfileNormaliser normaliser = new ProfileNormaliser(new PhoneNumbers(""));

    private static List<SyncRow> rows(int n) {
        List<SyncRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new SyncRow(i, "r" + i, null, RowFields.copyOf(Map.of("user_id", NODES.stringNode(" u" + i + " "),
                    "first_name", NODES.stringNode("n" + i)))));
        }
        return rows;
    }

    @Test
    void everyRowIsNormalisedOnceAndTheBlocksComeInInputOrder() {
        List<SyncRow> rows = rows(2_345);
        try (NormalisedBlocks blocks = new NormalisedBlocks(rows, normaliser, JSON, 100)) {
            assertThat(blocks.count()).isEqualTo(24);
            List<String> userIds = new ArrayList<>();
            for (int b = 0; b < blocks.count(); b++) {
                assertThat(blocks.first(b)).isEqualTo(b * 100);
                for (ProfileNormaliser.Normalised n : blocks.take(b).rows()) {
                    int column = List.of(n.columns()).indexOf("user_id");
                    userIds.add(n.values()[column].stringValue());
                }
            }
            assertThat(userIds).hasSize(2_345).containsExactlyElementsOf(
                    rows.stream().map(r -> r.fields().get("user_id").stringValue().trim()).toList());
        }
    }

    @Test
    void aFailureWhileNormalisingReachesThePlacingThread() {
        List<SyncRow> rows = new ArrayList<>(rows(500));
        rows.set(321, new SyncRow(321, "broken", null, null)); // fields() null: the normaliser throws
        try (NormalisedBlocks blocks = new NormalisedBlocks(rows, normaliser, JSON, 100)) {
            for (int b = 0; b < 3; b++) {
                assertThat(blocks.take(b).rows()).hasSize(100);
            }
            assertThatThrownBy(() -> blocks.take(3)).isInstanceOf(NullPointerException.class);
        }
    }
}
