/** Normalisation of field values that several destinations share (phone numbers). Pure, no vendor. */
package io.pushsync.sync.values;
