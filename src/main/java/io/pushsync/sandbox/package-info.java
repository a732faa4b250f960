/**
 * In-process simulators of the vendor APIs, active in the {@code sandbox} profile only. They behave as the vendor
 * documents describe (token checks, 202 for 100+ profiles, 404 for an unknown list, 400 for an e-mail without a
 * subscription status, ...) and let a user see what arrived. Nothing else imports this package.
 */
package io.pushsync.sandbox;
