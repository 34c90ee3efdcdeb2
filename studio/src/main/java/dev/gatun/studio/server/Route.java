package dev.gatun.studio.server;

/**
 * One route of the API.
 *
 * @param method the HTTP method it answers
 * @param pattern its path
 * @param body what its request body is, which sets the body's limit
 * @param handler what answers it
 */
record Route(String method, RoutePattern pattern, BodyKind body, Handler handler) {
}
