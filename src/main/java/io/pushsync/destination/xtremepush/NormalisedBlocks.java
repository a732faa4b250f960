package io.pushsync.destination.xtremepush;

import io.pushsync.sync.SyncRow;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rows of a batch normalised and written a block at a time, ahead of the thread that places them: helpers on the
 * common pool and the placing thread itself claim blocks in input order, so the placing thread can send the first
 * chunks while later blocks are being normalised, and never waits for a block it could be normalising itself. Each
 * row that passes is also written as the bytes a body carries ({@link XtremepushWire.RowWriter}), on the same core:
 * the placing thread then measures a row by its length. Closing stops the helpers from claiming more.
 */
final class NormalisedBlocks implements AutoCloseable {

    /**
     * A block's rows: {@code rows[i]} normalised, and {@code encoded[i]} its values written as a JSON array in the
     * row's column order (null when the row failed).
     */
    record Block(ProfileNormaliser.Normalised[] rows, byte[][] encoded) {
    }

    private final List<SyncRow> rows;
    private final ProfileNormaliser normaliser;
    private final JsonMapper json;
    private final int blockSize;
    private final CompletableFuture<Block>[] blocks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    @SuppressWarnings("unchecked")
    NormalisedBlocks(List<SyncRow> rows, ProfileNormaliser normaliser, JsonMapper json, int blockSize) {
        this.rows = rows;
        this.normaliser = normaliser;
        this.json = json;
        this.blockSize = Math.max(1, blockSize);
        int count = (rows.size() + this.blockSize - 1) / this.blockSize;
        this.blocks = new CompletableFuture[count];
        for (int b = 0; b < count; b++) {
            blocks[b] = new CompletableFuture<>();
        }
        int helpers = Math.min(count - 1, ForkJoinPool.getCommonPoolParallelism());
        for (int h = 0; h < helpers; h++) {
            ForkJoinPool.commonPool().execute(this::help);
        }
    }

    int count() {
        return blocks.length;
    }

    /** The index of the block's first row in the batch's rows. */
    int first(int block) {
        return block * blockSize;
    }

    /** The normalised rows of a block, normalising unclaimed blocks on this thread while it is not ready. */
    Block take(int block) {
        while (!blocks[block].isDone() && claimOne()) {
            // normalised a later block meanwhile
        }
        try {
            Block done = blocks[block].join();
            blocks[block] = null; // placed: let it go
            return done;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void help() {
        while (!closed.get() && claimOne()) {
            // claim the next block until none is left
        }
    }

    /** Normalises the next unclaimed block; false when none is left. */
    private boolean claimOne() {
        int b = next.getAndIncrement();
        if (b >= blocks.length) {
            return false;
        }
        CompletableFuture<Block> target = blocks[b];
        try (XtremepushWire.RowWriter writer = new XtremepushWire.RowWriter(json)) {
            int from = first(b);
            int to = Math.min(rows.size(), from + blockSize);
            ProfileNormaliser.Normalised[] out = new ProfileNormaliser.Normalised[to - from];
            byte[][] encoded = new byte[to - from][];
            for (int i = from; i < to; i++) {
                ProfileNormaliser.Normalised n = normaliser.normalise(rows.get(i));
                out[i - from] = n;
                if (n.error() == null) {
                    encoded[i - from] = writer.row(n.values());
                }
            }
            target.complete(new Block(out, encoded));
        } catch (RuntimeException | Error e) {
            target.completeExceptionally(e);
        }
        return true;
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
