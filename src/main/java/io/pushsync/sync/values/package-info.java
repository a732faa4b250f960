/**
 * Values that several destinations and the HTTP layer share: phone numbers and e-mail addresses normalised, text
 * clipped for messages ({@link io.pushsync.sync.values.Text}). Pure, no vendor.
 */
package io.pushsync.sync.values;
