package io.captionflow.worker.frames;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.events.WorkLimits;
import io.captionflow.worker.image.GrayImage;

/**
 * The messages between the worker and its decoder child processes, over a Unix domain
 * socket: a request names the video, the range, the crop box and the most frames wanted;
 * the child answers with progress while it decodes, then the cropped frames or the reason
 * it could not. The worker checks the size of the frames announced against the request
 * before it allocates them.
 */
final class DecoderProtocol {

	private static final int REQUEST = 0x46524D51; // "FRMQ"

	private static final byte PROGRESS = 0;

	private static final byte FRAMES = 1;

	private static final byte FAILURE = 2;

	/** The longest failure message sent, in characters. */
	private static final int MAX_MESSAGE = 2000;

	private DecoderProtocol() {
	}

	record Request(Path video, FrameRange range, CropBox crop, int maxFrames) {
	}

	/**
	 * The command-line arguments that give a child its decoder options.
	 * @param options the options
	 * @return the arguments
	 */
	static List<String> arguments(FrameRangeDecoder.Options options) {
		WorkLimits limits = options.limits();
		return List.of(Integer.toString(options.threads()), Long.toString(options.probeSize()),
				Long.toString(options.analyzeDuration().toMillis()), String.join(",", options.containers()),
				Integer.toString(limits.maxWidth()), Integer.toString(limits.maxHeight()),
				Long.toString(limits.maxDuration().toSeconds()), Double.toString(limits.maxFps()),
				Long.toString(limits.maxCropPixels()), Integer.toString(limits.maxCaptionFrames()),
				Integer.toString(limits.maxDecodedFrames()), Integer.toString(limits.medianFrames()),
				Long.toString(limits.maxDecodedBytes()), Integer.toString(limits.maxLanguages()));
	}

	/**
	 * The decoder options given by {@link #arguments}.
	 * @param args the arguments
	 * @return the options
	 */
	static FrameRangeDecoder.Options options(List<String> args) {
		WorkLimits limits = new WorkLimits(Integer.parseInt(args.get(4)), Integer.parseInt(args.get(5)),
				Duration.ofSeconds(Long.parseLong(args.get(6))), Double.parseDouble(args.get(7)),
				Long.parseLong(args.get(8)), Integer.parseInt(args.get(9)), Integer.parseInt(args.get(10)),
				Integer.parseInt(args.get(11)), Long.parseLong(args.get(12)), Integer.parseInt(args.get(13)));
		return new FrameRangeDecoder.Options(Integer.parseInt(args.get(0)), limits, Long.parseLong(args.get(1)),
				Duration.ofMillis(Long.parseLong(args.get(2))), Arrays.asList(args.get(3).split(",")));
	}

	static void writeRequest(DataOutputStream out, Request request) throws IOException {
		out.writeInt(REQUEST);
		out.writeUTF(request.video().toString());
		out.writeInt(request.range().start());
		out.writeInt(request.range().end());
		out.writeInt(request.crop().x());
		out.writeInt(request.crop().y());
		out.writeInt(request.crop().width());
		out.writeInt(request.crop().height());
		out.writeInt(request.maxFrames());
		out.flush();
	}

	static Request readRequest(DataInputStream in) throws IOException {
		if (in.readInt() != REQUEST) {
			throw new IOException("not a decoding request");
		}
		Path video = Path.of(in.readUTF());
		FrameRange range = new FrameRange(in.readInt(), in.readInt());
		CropBox crop = new CropBox(in.readInt(), in.readInt(), in.readInt(), in.readInt());
		return new Request(video, range, crop, in.readInt());
	}

	static void writeProgress(DataOutputStream out, int decoded, int total) throws IOException {
		out.writeByte(PROGRESS);
		out.writeInt(decoded);
		out.writeInt(total);
		out.flush();
	}

	static void writeFrames(DataOutputStream out, List<GrayImage> frames) throws IOException {
		out.writeByte(FRAMES);
		out.writeInt(frames.size());
		out.writeInt(frames.get(0).width());
		out.writeInt(frames.get(0).height());
		for (GrayImage frame : frames) {
			out.write(frame.pixels());
		}
		out.flush();
	}

	static void writeFailure(DataOutputStream out, String message) throws IOException {
		out.writeByte(FAILURE);
		out.writeUTF((message.length() > MAX_MESSAGE) ? message.substring(0, MAX_MESSAGE) : message);
		out.flush();
	}

	/**
	 * Reads the replies to a request: progress until the frames or a failure.
	 * @param in from the child
	 * @param request the request answered
	 * @param progress told of the child's progress
	 * @return the frames
	 * @throws FrameDecodingException when the child could not decode them
	 * @throws IOException when the child is gone, or its reply does not fit the request
	 */
	static List<GrayImage> readReply(DataInputStream in, Request request, FrameSource.Progress progress)
			throws IOException {
		while (true) {
			byte kind = in.readByte();
			switch (kind) {
				case PROGRESS -> progress.decoded(in.readInt(), in.readInt());
				case FAILURE -> throw new FrameDecodingException(in.readUTF());
				case FRAMES -> {
					return readFrames(in, request);
				}
				default -> throw new IOException("unknown reply " + kind);
			}
		}
	}

	private static List<GrayImage> readFrames(DataInputStream in, Request request) throws IOException {
		int count = in.readInt();
		int width = in.readInt();
		int height = in.readInt();
		// never allocate what the request did not ask for
		if (count < 1 || count > request.maxFrames() || count > request.range().length()
				|| width != request.crop().width() || height != request.crop().height()) {
			throw new IOException("the decoder sent " + count + " frames of " + width + "x" + height + " for "
					+ request.range().length() + " frames of " + request.crop().describe());
		}
		List<GrayImage> frames = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			byte[] pixels = new byte[Math.multiplyExact(width, height)];
			in.readFully(pixels);
			frames.add(new GrayImage(width, height, pixels));
		}
		return frames;
	}

}
