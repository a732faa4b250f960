/**
 * The HTTP surface: the {@code /v1} controllers (destination catalog, connection checks, batches, background jobs,
 * named connections), caller
 * authentication (the bearer token; on {@code /census/**} also the {@code census_authentication} query parameter),
 * request bodies read as streams within their size limits, Problem Details for every error, and the OpenAPI
 * description. The Census Custom API endpoint ({@code /census/{connection}}, JSON-RPC 2.0) is its subpackage
 * {@code census}, which uses this package; this package never uses it. It uses only {@code sync} and its
 * subpackages, never a destination adapter.
 */
package io.pushsync.api;
