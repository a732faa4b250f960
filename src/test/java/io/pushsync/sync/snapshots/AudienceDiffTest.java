package io.pushsync.sync.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.snapshots.AudienceDiff.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudienceDiffTest {

    @TempDir
    Path dir;

    @Test
    void newMembersAreAddedPresentOnesUnchangedRepeatsNoticedAndMissingOnesRemoved() {
        OnDiskSnapshotStore store = new OnDiskSnapshotStore(new SnapshotProperties(dir, Duration.ofSeconds(60)));
        try {
            SnapshotStore.Changes stored = new SnapshotStore.Changes();
            for (String m : List.of("a", "b", "c", "d")) {
                stored.add(MemberHash.of(m), m);
            }
            store.apply("t", stored);
            List<String> audience = List.of("b", "e", "d", "e", "f");
            long[] hashes = audience.stream().mapToLong(MemberHash::of).toArray();

            AudienceDiff diff = AudienceDiff.compute(store, "t", hashes, hashes.length);

            List<Verdict> verdicts = new ArrayList<>();
            audience.forEach(m -> verdicts.add(diff.verdict(MemberHash.of(m))));
            assertThat(verdicts).containsExactly(Verdict.UNCHANGED, Verdict.ADD, Verdict.UNCHANGED, Verdict.REPEATED,
                    Verdict.ADD);
            assertThat(diff.created()).isFalse();
            List<String> removed = new ArrayList<>();
            for (int i = 0; i < diff.removals(); i++) {
                removed.add(diff.removedMember(i));
                assertThat(diff.removedHash(i)).isEqualTo(MemberHash.of(diff.removedMember(i)));
            }
            assertThat(removed).containsExactlyInAnyOrder("a", "c");
        } finally {
            store.destroy();
        }
    }

    @Test
    void withoutASnapshotEverythingIsAddedAndNothingRemoved() {
        OnDiskSnapshotStore store = new OnDiskSnapshotStore(new SnapshotProperties(dir, Duration.ofSeconds(60)));
        try {
            long[] hashes = {MemberHash.of("x"), MemberHash.of("y")};
            AudienceDiff diff = AudienceDiff.compute(store, "none", hashes, 2);
            assertThat(diff.created()).isTrue();
            assertThat(diff.removals()).isZero();
            assertThat(diff.verdict(MemberHash.of("y"))).isEqualTo(Verdict.ADD);
            assertThat(diff.verdict(MemberHash.of("x"))).isEqualTo(Verdict.ADD);
        } finally {
            store.destroy();
        }
    }
}
