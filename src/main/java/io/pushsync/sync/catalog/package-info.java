/** What a destination declares about itself: connection fields, object types, modes, options, fields. */
package io.pushsync.sync.catalog;
