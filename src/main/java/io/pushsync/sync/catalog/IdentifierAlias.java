package io.pushsync.sync.catalog;

/**
 * Another name under which an object type's identifier may come, standing for the identifier plus a batch option: a
 * CleverPush row keyed by {@code user_id} is a row whose {@code subscription_id} holds a user id
 * ({@code subscriptionIdKind=user_id}). Callers that pick an identifier by name (Census' sync plan) use it.
 *
 * @param field the other name
 * @param option the option it sets
 * @param value the option's value
 */
public record IdentifierAlias(String field, String option, String value) {
}
