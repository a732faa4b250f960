package io.pushsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationRegistryTest {

    private static class FakeDestination implements Destination {
        private final DestinationDescriptor descriptor;

        FakeDestination(String type) {
            this.descriptor = new DestinationDescriptor(type, type.toUpperCase(), List.of(), List.of());
        }

        @Override
        public DestinationDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
            return ConnectionCheckResult.success();
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
        }
    }

    private static final class OtherFakeDestination extends FakeDestination {
        OtherFakeDestination(String type) {
            super(type);
        }
    }

    @Test
    void twoDestinationsWithTheSameTypeStopTheStartUp() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new DestinationRegistry(List.of(new FakeDestination("alpha"),
                        new FakeDestination("beta"), new OtherFakeDestination("alpha"))))
                .withMessageContaining("'alpha'")
                .withMessageContaining(FakeDestination.class.getName())
                .withMessageContaining(OtherFakeDestination.class.getName())
                .withMessageNotContaining("beta");
    }

    @Test
    void findsADestinationByType() {
        FakeDestination alpha = new FakeDestination("alpha");
        FakeDestination beta = new FakeDestination("beta");
        DestinationRegistry registry = new DestinationRegistry(List.of(alpha, beta));

        assertThat(registry.get("beta")).isSameAs(beta);
        assertThat(registry.find("alpha")).containsSame(alpha);
        assertThat(registry.find("gamma")).isEmpty();
    }

    @Test
    void unknownTypeThrowsUnknownDestinationException() {
        DestinationRegistry registry = new DestinationRegistry(
                List.of(new FakeDestination("alpha"), new FakeDestination("beta")));

        assertThatThrownBy(() -> registry.get("gamma"))
                .isInstanceOfSatisfying(UnknownDestinationException.class,
                        e -> assertThat(e.type()).isEqualTo("gamma"))
                .hasMessageContaining("'gamma'")
                .hasMessageContaining("alpha")
                .hasMessageContaining("beta");
        assertThatThrownBy(() -> registry.get("ALPHA")).isInstanceOf(UnknownDestinationException.class);
    }

    @Test
    void catalogListsEveryDestinationSortedByType() {
        FakeDestination zulu = new FakeDestination("zulu");
        FakeDestination alpha = new FakeDestination("alpha");
        FakeDestination mike = new FakeDestination("mike");
        DestinationRegistry registry = new DestinationRegistry(List.of(zulu, alpha, mike));

        assertThat(registry.catalog()).containsExactly(alpha.descriptor(), mike.descriptor(), zulu.descriptor());
    }

    @Test
    void emptyRegistryHasAnEmptyCatalog() {
        DestinationRegistry registry = new DestinationRegistry(List.of());
        assertThat(registry.catalog()).isEmpty();
        assertThatThrownBy(() -> registry.get("xtremepush")).isInstanceOf(UnknownDestinationException.class);
    }
}
