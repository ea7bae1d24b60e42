package io.captionflow.worker.ocr.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.TesseractEngine;

/**
 * The main class of an OCR child process: connects back to the worker over the Unix
 * domain socket it was given and answers requests one at a time with an in-process
 * {@link TesseractEngine}, until the worker closes the connection. If Tesseract crashes,
 * only this process dies.
 */
public final class OcrServer {

	private OcrServer() {
	}

	/**
	 * Serves OCR requests.
	 * @param args the worker's socket path
	 * @throws IOException when the connection fails
	 */
	public static void main(String[] args) throws IOException {
		Path socket = Path.of(args[0]);
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				TesseractEngine engine = new TesseractEngine()) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
			serve(engine, in, out);
		}
	}

	private static void serve(TesseractEngine engine, DataInputStream in, DataOutputStream out) throws IOException {
		while (true) {
			OcrProtocol.Request request;
			try {
				request = OcrProtocol.readRequest(in);
			}
			catch (EOFException ex) {
				return; // the worker closed the connection
			}
			OcrText text;
			try {
				text = engine.recognise(request.page(), request.tessdata(), request.language(), request.segmentation());
			}
			catch (OcrException ex) {
				OcrProtocol.writeFailure(out, ex.getMessage());
				continue;
			}
			catch (RuntimeException | LinkageError ex) {
				OcrProtocol.writeFailure(out, "the OCR engine failed: " + ex);
				continue;
			}
			catch (OutOfMemoryError | StackOverflowError ex) {
				// the page is garbage now: the next one has the heap and stack again
				OcrProtocol.writeFailure(out, "the OCR engine failed: " + ex);
				continue;
			}
			OcrProtocol.writeText(out, text);
		}
	}

}
