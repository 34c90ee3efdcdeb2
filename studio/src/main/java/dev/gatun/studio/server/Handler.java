package dev.gatun.studio.server;

/** Answers one route of Studio's API. */
@FunctionalInterface
public interface Handler {
    /**
     * Answers a request that passed the access checks and the body limit.
     *
     * @param request the request
     * @return the answer
     * @throws ApiException for an answer the client caused (bad input, wrong state): a JSON error
     * @throws Exception for anything else: a 500 whose one line names the exception
     */
    Response handle(Request request) throws Exception;
}
