package io.secretstages.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's own refusals (a request it cannot parse as HTTP, such as an encoded NUL in the path; a request turned
 * away during shutdown) in the CSMS error shape: {@code {"error_code":"HTTP.<status>","error_msg":...}} with an
 * {@code X-Request-Id} (S3). These come from the transport, before authentication: they say nothing about any
 * secret.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        CsmsResponse answer = CsmsApi.refusal(status, "HTTP." + status, "the request was refused by the transport");
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.getHeaders().put(HttpHeader.CONNECTION, "close"); // Jetty closes after a message it could not parse
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        JettyCsmsHandler.ACCESS.info("{} {} {} {}ms {}", request.getMethod(), request.getHttpURI().getPath(), status,
                0, answer.requestId());
        return true;
    }
}
