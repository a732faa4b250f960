/**
 * The HTTP surface: the {@code /v1} controllers (destination catalog, connection checks, batches, background jobs,
 * named connections), the Census Custom API endpoint ({@code /census/{connection}}, JSON-RPC 2.0), caller
 * authentication (the bearer token; on {@code /census/**} also the {@code census_authentication} query parameter),
 * request bodies read as streams within their size limits, Problem Details for every error, and the OpenAPI
 * description. It uses only {@code sync} and its subpackages, never a destination adapter.
 */
package io.pushsync.api;
