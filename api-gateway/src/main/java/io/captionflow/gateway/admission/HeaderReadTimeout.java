package io.captionflow.gateway.admission;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Closes a connection that has not sent a whole request line and headers within the
 * timeout of opening, or of the end of its last response. Unlike an idle timeout, bytes
 * trickling in do not push it back, so a client cannot hold a connection by sending its
 * headers a byte at a time; and it does not run while a request is being answered, so a
 * long-lived event stream is never cut by it. Sits after the HTTP codec, one per
 * connection, on the connection's event loop.
 */
final class HeaderReadTimeout extends ChannelDuplexHandler {

	private final long timeoutNanos;

	private final Runnable onTimeout;

	/** Requests whose headers were read. */
	private long requests;

	/** Responses whose last part was written. */
	private long responses;

	private ScheduledFuture<?> timer;

	HeaderReadTimeout(Duration timeout, Runnable onTimeout) {
		this.timeoutNanos = timeout.toNanos();
		this.onTimeout = onTimeout;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		if (ctx.channel().isActive()) {
			arm(ctx);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		arm(ctx);
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest) {
			this.requests++;
			cancel();
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof LastHttpContent) {
			this.responses++;
			// the next request, if any, should follow; a pipelined one already read is
			// being answered and must not be timed
			if (this.responses >= this.requests) {
				arm(ctx);
			}
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancel();
	}

	private void arm(ChannelHandlerContext ctx) {
		if (this.timer != null) {
			return;
		}
		this.timer = ctx.executor().schedule(() -> {
			this.timer = null;
			if (this.responses >= this.requests && ctx.channel().isActive()) {
				this.onTimeout.run();
				ctx.close();
			}
		}, this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void cancel() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

}
