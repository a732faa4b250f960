package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an object type takes {@code mode: "replace"}: each row names one member of a target, the target is named by an
 * option, and pushsync sends the difference to the last snapshot it delivered as {@code mirror} rows (added /
 * removed) that carry only the member and, where the vendor takes the target per row, the target.
 *
 * @param memberField the row field holding the member, the only field a replace row carries
 * @param targetOption the option naming the target (a list id, a tag id); required in replace mode
 * @param targetField the row field the adapter reads the target from, filled with the option's value on every row
 *     sent; null when the adapter reads the target from the option itself
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplaceTarget(String memberField, String targetOption, String targetField) {
}
