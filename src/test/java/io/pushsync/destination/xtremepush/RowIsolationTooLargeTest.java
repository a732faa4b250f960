package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A body found over {@code max-chunk-bytes} only when it is about to be sent (an OAuth access token in the body,
 * longer than the room kept for it): the chunk is split in halves without a request, a row alone fails.
 */
class RowIsolationTooLargeTest {

    private static final long MAX = 2048;

    private final RowResults results = new RowResults(IntStream.range(0, 8).mapToObj(i -> "r" + i).toList());
    private final List<List<Integer>> sent = new ArrayList<>();

    /** Rows 0..7 "weigh" 300 bytes each, row 5 alone 3000; a body is 100 bytes plus its rows. */
    private RowIsolation<Integer> delivery(int maxRequestsPerChunk) {
        return new RowIsolation<>(rows -> {
            long size = 100 + rows.stream().mapToLong(r -> r == 5 ? 3000 : 300).sum();
            if (size > MAX) {
                return XtremepushReplyClassifier.tooLarge(size, MAX);
            }
            sent.add(List.copyOf(rows));
            return new RowIsolation.Confirmed(false, null);
        }, i -> i, maxRequestsPerChunk, Deadline.after(Duration.ofMinutes(1)), results);
    }

    @Test
    void aChunkTooLargeToSendIsSplitUntilEachPartFitsAndOnlyTheRowThatCannotFitFails() {
        int requests = delivery(64).deliver(List.of(0, 1, 2, 3, 4, 5, 6, 7));

        assertThat(sent).containsExactly(List.of(0, 1, 2, 3), List.of(4), List.of(6, 7));
        assertThat(requests).as("only requests sent count").isEqualTo(3);
        for (int i = 0; i < 8; i++) {
            RowResult result = results.get(i);
            if (i == 5) {
                assertThat(result.status()).isEqualTo(RowStatus.FAILED);
                assertThat(result.error().code()).isEqualTo("invalid_field");
                assertThat(result.error().retryable()).isFalse();
                assertThat(result.error().message()).contains("3100 bytes")
                        .contains("pushsync.xtremepush.max-chunk-bytes (2048 bytes)");
            } else {
                assertThat(result.status()).as("row %d", i).isEqualTo(RowStatus.SUCCEEDED);
            }
        }
    }

    @Test
    void splittingABodyTooLargeCostsNoneOfTheIsolationBudget() {
        // three requests are sent; a budget of three is enough because the bodies found too large were not sent
        int requests = delivery(3).deliver(List.of(0, 1, 2, 3, 4, 5, 6, 7));

        assertThat(requests).isEqualTo(3);
        assertThat(results.count(RowStatus.SUCCEEDED)).isEqualTo(7);
    }
}
