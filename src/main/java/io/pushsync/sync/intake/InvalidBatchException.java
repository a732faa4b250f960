package io.pushsync.sync.intake;

import java.util.List;

/** The request is malformed (answered 400 with every violation found). */
public class InvalidBatchException extends RuntimeException {

    private final transient List<Violation> violations;

    public InvalidBatchException(List<Violation> violations) {
        super(violations.size() == 1 ? violations.get(0).message()
                : violations.size() + " problems in the request, first: " + violations.get(0).message());
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
