package io.tenantforge.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above the limit with 413 before anything reads them: by the
 * declared length, or by counting when the body is chunked.
 */
class RequestSizeLimit extends OncePerRequestFilter {

	private final long maxBytes;

	RequestSizeLimit(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared > maxBytes) {
			Problems.write(response, 413, "Payload too large",
					"the request body is " + declared + " bytes; the limit is " + maxBytes);
			return;
		}
		if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
			byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
			if (body.length > maxBytes) {
				Problems.write(response, 413, "Payload too large", "the request body exceeds " + maxBytes + " bytes");
				return;
			}
			chain.doFilter(new BufferedRequest(request, body), response);
			return;
		}
		chain.doFilter(request, response);
	}

}
