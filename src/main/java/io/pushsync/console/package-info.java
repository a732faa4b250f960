/**
 * The read-only operator console ({@code /console}): server-rendered pages over the same services as
 * {@code /v1/runs}, {@code /v1/jobs} and {@code /v1/accounts}, behind a form login of its own (session cookie, CSRF).
 */
package io.pushsync.console;
