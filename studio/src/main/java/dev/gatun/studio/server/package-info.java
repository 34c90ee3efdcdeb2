/**
 * Studio's HTTP side: the server with its access checks, static files, the event stream
 * (Server-Sent Events with replay) and the JSON API's plumbing. See {@code docs/studio-protocol.md}.
 */
package dev.gatun.studio.server;
