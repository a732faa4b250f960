/** HTTP API v1: controllers, caller authentication and Problem Details for request errors. */
package io.pushsync.api;
