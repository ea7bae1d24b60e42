package io.captionflow.worker.ocr.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.Segmentation;

/**
 * The messages between the worker and its OCR child processes, over a Unix domain socket:
 * a request names the page, the model folder, the language and the segmentation; the
 * reply holds the text and confidence or the engine's error.
 */
final class OcrProtocol {

	private static final int REQUEST = 0x4F435251; // "OCRQ"

	private static final byte TEXT = 0;

	private static final byte FAILURE = 1;

	/** The most characters of a text or message sent: three bytes each fit writeUTF. */
	private static final int MAX_CHARS = 16_000;

	private OcrProtocol() {
	}

	record Request(GrayImage page, Path tessdata, String language, Segmentation segmentation) {
	}

	static void writeRequest(DataOutputStream out, Request request) throws IOException {
		out.writeInt(REQUEST);
		out.writeUTF(request.tessdata().toString());
		out.writeUTF(request.language());
		out.writeByte(request.segmentation().ordinal());
		out.writeInt(request.page().width());
		out.writeInt(request.page().height());
		out.write(request.page().pixels());
		out.flush();
	}

	static Request readRequest(DataInputStream in) throws IOException {
		if (in.readInt() != REQUEST) {
			throw new IOException("not an OCR request");
		}
		Path tessdata = Path.of(in.readUTF());
		String language = in.readUTF();
		Segmentation segmentation = Segmentation.values()[in.readByte()];
		int width = in.readInt();
		int height = in.readInt();
		byte[] pixels = new byte[Math.multiplyExact(width, height)];
		in.readFully(pixels);
		return new Request(new GrayImage(width, height, pixels), tessdata, language, segmentation);
	}

	static void writeText(DataOutputStream out, OcrText text) throws IOException {
		out.writeByte(TEXT);
		out.writeUTF(fitting(text.text()));
		out.writeDouble(text.confidence());
		out.flush();
	}

	static void writeFailure(DataOutputStream out, String message) throws IOException {
		out.writeByte(FAILURE);
		out.writeUTF(fitting(message));
		out.flush();
	}

	/**
	 * A string short enough for {@code writeUTF} (64 KB of modified UTF-8): a page of
	 * noise can read as more text than that, which would otherwise end the process.
	 */
	private static String fitting(String text) {
		if (text.length() <= MAX_CHARS) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
		return text.substring(0, end);
	}

	/**
	 * Reads a reply.
	 * @return the text
	 * @throws OcrException when the child reported an engine error
	 * @throws IOException when the child is gone
	 */
	static OcrText readReply(DataInputStream in) throws IOException {
		byte kind = in.readByte();
		if (kind == FAILURE) {
			throw new OcrException(in.readUTF());
		}
		return new OcrText(in.readUTF(), in.readDouble());
	}

}
