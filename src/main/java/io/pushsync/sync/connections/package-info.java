/** Named connections: vendor credentials defined on the server and referred to by name in requests. */
package io.pushsync.sync.connections;
