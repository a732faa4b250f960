/**
 * A request from its bytes to a {@link io.pushsync.sync.PreparedBatch}: the streamed body reader and its limits
 * ({@link io.pushsync.sync.intake.BatchBodyReader}, {@link io.pushsync.sync.intake.BatchProperties}), the payload
 * fingerprint taken while reading, the checks of the request head and of each row, duplicate row ids, and the
 * request problems answered as 400/413. Used by synchronous batches, jobs and the Census endpoint alike.
 */
package io.pushsync.sync.intake;
