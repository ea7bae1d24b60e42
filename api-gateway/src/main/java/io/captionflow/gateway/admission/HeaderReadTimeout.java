package io.captionflow.gateway.admission;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection that has not sent a whole request line and headers within the
 * timeout of opening, or of the first bytes of its next request on a keep-alive
 * connection. Unlike an idle timeout, bytes trickling in do not push it back, so a client
 * cannot hold a connection by sending its headers a byte at a time; and it does not run
 * while a request is answered, so a long-lived event stream is never cut by it. Between
 * requests the idle timeout applies instead.
 * <p>
 * One per connection, in two places of its pipeline, both on the connection's event loop:
 * {@link #bytes()} before the HTTP codec sees a request's first bytes, the handler itself
 * after the codec sees its headers decoded and its response's end.
 */
final class HeaderReadTimeout extends ChannelDuplexHandler {

	private final long timeoutNanos;

	private final Runnable onTimeout;

	/** Requests whose headers were read. */
	private long requests;

	/** Responses whose last part was written. */
	private long responses;

	private @Nullable ScheduledFuture<?> timer;

	private @Nullable ChannelHandlerContext context;

	HeaderReadTimeout(Duration timeout, Runnable onTimeout) {
		this.timeoutNanos = timeout.toNanos();
		this.onTimeout = onTimeout;
	}

	/**
	 * The handler to put before the HTTP codec: it starts the timeout at the first bytes
	 * that come while no request is being answered.
	 * @return the handler
	 */
	ChannelInboundHandlerAdapter bytes() {
		return new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
				if (msg instanceof ByteBuf && HeaderReadTimeout.this.responses >= HeaderReadTimeout.this.requests) {
					arm();
				}
				ctx.fireChannelRead(msg);
			}
		};
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
		if (ctx.channel().isActive()) {
			arm();
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		arm();
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

	private void arm() {
		ChannelHandlerContext ctx = this.context;
		if (this.timer != null || ctx == null) {
			return;
		}
		this.timer = ctx.executor().schedule(() -> {
			this.timer = null;
			// a request whose headers came in the meantime is being answered
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
