package io.captionflow.worker.frames;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.captionflow.worker.image.GrayImage;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * The main class of a decoder child process: loads FFmpeg, connects back to the worker
 * over the Unix domain socket it was given and decodes one request at a time with an
 * in-process {@link FrameRangeDecoder} (which keeps the last video open), until the
 * worker closes the connection. If FFmpeg crashes on a crafted file, only this process
 * dies; a request that exhausts its heap or stack fails with that reason.
 */
public final class DecoderServer {

	private DecoderServer() {
	}

	/**
	 * Serves decoding requests.
	 * @param args the decoder options ({@link DecoderProtocol#arguments}), then the
	 * worker's socket path
	 * @throws IOException when the connection fails
	 * @throws FrameGrabber.Exception when FFmpeg cannot be loaded
	 */
	public static void main(String[] args) throws IOException, FrameGrabber.Exception {
		List<String> arguments = Arrays.asList(args);
		FrameRangeDecoder.Options options = DecoderProtocol.options(arguments.subList(0, arguments.size() - 1));
		Path socket = Path.of(arguments.getLast());
		// loaded before connecting, so that the first caption does not wait for it
		FFmpegFrameGrabber.tryLoad();
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				FrameRangeDecoder decoder = new FrameRangeDecoder(options)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
			DataOutputStream out = new DataOutputStream(
					new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
			serve(decoder, in, out);
		}
	}

	private static void serve(FrameRangeDecoder decoder, DataInputStream in, DataOutputStream out) throws IOException {
		while (true) {
			DecoderProtocol.Request request;
			try {
				request = DecoderProtocol.readRequest(in);
			}
			catch (EOFException ex) {
				return; // the worker closed the connection
			}
			List<GrayImage> frames;
			try {
				frames = decoder.decode(request.video(), request.range(), request.crop(), request.maxFrames(),
						(decoded, total) -> {
							try {
								DecoderProtocol.writeProgress(out, decoded, total);
							}
							catch (IOException ex) {
								throw new UncheckedIOException(ex);
							}
						});
			}
			catch (UncheckedIOException ex) {
				throw ex.getCause();
			}
			catch (FrameDecodingException ex) {
				DecoderProtocol.writeFailure(out, ex.getMessage());
				continue;
			}
			catch (RuntimeException | LinkageError ex) {
				DecoderProtocol.writeFailure(out, "the decoder failed: " + ex);
				continue;
			}
			catch (OutOfMemoryError ex) {
				// the frames are garbage now, so the heap is free again for the next
				// request
				DecoderProtocol.writeFailure(out, "decoding ran out of memory (the decoder's heap is "
						+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB): " + ex.getMessage());
				continue;
			}
			catch (StackOverflowError ex) {
				DecoderProtocol.writeFailure(out, "the decoder failed: " + ex);
				continue;
			}
			DecoderProtocol.writeFrames(out, frames);
		}
	}

}
