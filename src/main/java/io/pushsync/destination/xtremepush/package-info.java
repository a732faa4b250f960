/**
 * The Xtremepush destination: user profiles ({@code import/profile}, columnar, chunked) and list members
 * ({@code import/list}). Every wire detail the vendor documents leave open lives in {@link XtremepushWire}.
 */
package io.pushsync.destination.xtremepush;
