package io.pushsync.api.census;

import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;

/**
 * An object Census can sync to: a catalog object type, the list for list objects, and the identifier alias for an
 * object keyed by another name.
 */
record CensusObject(String apiName, String label, ObjectTypeDescriptor type, Long listId, IdentifierAlias alias) {

    /** The object's identifier field: its alias's field, else the catalog's identifier of its type (null: none). */
    String identifier() {
        return alias != null ? alias.field() : CensusFields.identifier(type);
    }
}
