package io.pushsync.sync.catalog;

import java.util.List;

/**
 * An object type of a destination: the modes it supports, its options, the fields a row must carry (each may name
 * alternatives, e.g. {@code user_id} or {@code device_id}) and the fields the vendor knows by default.
 */
public record ObjectTypeDescriptor(
        String name,
        String label,
        List<String> modes,
        List<OptionDescriptor> options,
        List<RequiredField> requiredFields,
        List<String> defaultFields) {
}
