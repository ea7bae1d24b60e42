package io.captionflow.worker.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.captionflow.worker.image.GrayImage;

/**
 * Finds a burned-in caption's text in its median frame and returns it alone, black on
 * white, so that the moving texture behind it cannot decide the threshold or be read as
 * text.
 * <ol>
 * <li>Caption pixels stay put for the caption's whole range: a pixel whose value moves by
 * more than {@value #STABLE_RANGE} across the frames is background.</li>
 * <li>Caption fill is bright (white or yellow): of the stable pixels, those at least
 * {@value #BRIGHT} in the median are text candidates.</li>
 * <li>Candidates are grouped into connected components. Components touching the top or
 * bottom of the box, taller than most of it, or solid and square (cells of a grid, blocks
 * of texture) are not glyphs.</li>
 * <li>The glyphs of a caption share a line: the band where most glyph area lies, and in
 * it the longest run of glyphs without a wide gap, is the caption.</li>
 * </ol>
 * Nothing left means no caption: the reader then says nothing rather than read noise.
 */
final class TextIsolation {

	static final int STABLE_RANGE = 40;

	static final int BRIGHT = 160;

	private static final int MIN_GLYPH_AREA = 6;

	private static final int MIN_TEXT_AREA = 60;

	private TextIsolation() {
	}

	/**
	 * Isolates the caption text.
	 * @param frames the caption's frames, cropped to the caption box
	 * @param median their median
	 * @return the text black on white, the size of the box, or null when there is none
	 */
	static GrayImage isolate(List<GrayImage> frames, GrayImage median) {
		int width = median.width();
		int height = median.height();
		byte[] mid = median.pixels();
		boolean[] candidate = new boolean[mid.length];
		if (frames.size() >= 3) {
			byte[] low = frames.get(0).pixels().clone();
			byte[] high = low.clone();
			for (int f = 1; f < frames.size(); f++) {
				byte[] pixels = frames.get(f).pixels();
				for (int i = 0; i < pixels.length; i++) {
					int v = pixels[i] & 0xFF;
					if (v < (low[i] & 0xFF)) {
						low[i] = pixels[i];
					}
					else if (v > (high[i] & 0xFF)) {
						high[i] = pixels[i];
					}
				}
			}
			for (int i = 0; i < mid.length; i++) {
				candidate[i] = (mid[i] & 0xFF) >= BRIGHT && (high[i] & 0xFF) - (low[i] & 0xFF) <= STABLE_RANGE;
			}
		}
		else {
			for (int i = 0; i < mid.length; i++) {
				candidate[i] = (mid[i] & 0xFF) >= BRIGHT;
			}
		}
		List<Component> glyphs = new ArrayList<>();
		List<Component> dots = new ArrayList<>();
		for (Component component : components(candidate, width, height)) {
			if (isGlyph(component, height)) {
				(isSolidSquare(component) ? dots : glyphs).add(component);
			}
		}
		List<Component> text = withDots(line(glyphs), dots);
		int area = text.stream().mapToInt(Component::area).sum();
		if (area < MIN_TEXT_AREA) {
			return null;
		}
		byte[] out = new byte[mid.length];
		Arrays.fill(out, (byte) 255);
		for (Component component : text) {
			for (int i : component.pixels()) {
				out[i] = 0;
			}
		}
		return new GrayImage(width, height, out);
	}

	private static boolean isGlyph(Component c, int boxHeight) {
		if (c.area() < MIN_GLYPH_AREA) {
			return false;
		}
		return !(c.top() == 0 || c.bottom() == boxHeight - 1 || c.height() > boxHeight * 0.6);
	}

	/**
	 * A solid, square block: a cell of texture, or the dot of a period, colon or i. Such
	 * blocks take no part in finding the line, and are kept only where a dot belongs.
	 */
	private static boolean isSolidSquare(Component c) {
		double fill = (double) c.area() / (c.width() * c.height());
		double aspect = (double) c.width() / c.height();
		return fill > 0.9 && aspect > 0.6 && aspect < 1.6 && c.height() > 4;
	}

	/**
	 * The line's glyphs with the dots that belong to it: small solid squares within the
	 * line's height, from its first glyph to just after its last.
	 */
	private static List<Component> withDots(List<Component> line, List<Component> dots) {
		if (line.isEmpty() || dots.isEmpty()) {
			return line;
		}
		int top = line.stream().mapToInt(Component::top).min().orElse(0);
		int bottom = line.stream().mapToInt(Component::bottom).max().orElse(0);
		int left = line.stream().mapToInt(Component::left).min().orElse(0);
		int right = line.stream().mapToInt(Component::right).max().orElse(0);
		int lineHeight = bottom - top + 1;
		int slack = Math.max(1, lineHeight / 5);
		List<Component> text = new ArrayList<>(line);
		for (Component dot : dots) {
			if (dot.height() <= lineHeight * 0.4 && dot.top() >= top - slack && dot.bottom() <= bottom + slack
					&& dot.left() >= left - slack && dot.right() <= right + lineHeight / 2) {
				text.add(dot);
			}
		}
		return text;
	}

	/**
	 * The caption's glyphs: those in the band where most glyph area lies, then the
	 * longest run of them without a gap wider than a few line heights.
	 */
	private static List<Component> line(List<Component> glyphs) {
		if (glyphs.isEmpty()) {
			return glyphs;
		}
		int[] heights = glyphs.stream().filter((c) -> c.area() >= 30).mapToInt(Component::height).sorted().toArray();
		int lineHeight = (heights.length > 0) ? heights[heights.length / 2]
				: glyphs.stream().mapToInt(Component::height).max().orElse(1);
		int maxBottom = glyphs.stream().mapToInt(Component::bottom).max().orElse(0);
		long[] areaByCentre = new long[maxBottom + 2];
		for (Component c : glyphs) {
			areaByCentre[(c.top() + c.bottom()) / 2] += c.area();
		}
		int best = 0;
		long bestArea = -1;
		for (int y = 0; y < areaByCentre.length; y++) {
			long sum = 0;
			for (int d = Math.max(0, y - lineHeight / 2); d <= Math.min(areaByCentre.length - 1,
					y + lineHeight / 2); d++) {
				sum += areaByCentre[d];
			}
			if (sum > bestArea) {
				bestArea = sum;
				best = y;
			}
		}
		int bandTop = best - (int) Math.round(lineHeight * 1.2);
		int bandBottom = best + (int) Math.round(lineHeight * 1.2);
		List<Component> band = new ArrayList<>();
		for (Component c : glyphs) {
			if (c.top() >= bandTop && c.bottom() <= bandBottom) {
				band.add(c);
			}
		}
		band.sort(Comparator.comparingInt(Component::left));
		List<Component> bestRun = List.of();
		int bestRunArea = -1;
		List<Component> run = new ArrayList<>();
		int runArea = 0;
		int runRight = Integer.MIN_VALUE;
		for (Component c : band) {
			if (!run.isEmpty() && c.left() - runRight > 3 * lineHeight) {
				if (runArea > bestRunArea) {
					bestRun = run;
					bestRunArea = runArea;
				}
				run = new ArrayList<>();
				runArea = 0;
				runRight = Integer.MIN_VALUE;
			}
			run.add(c);
			runArea += c.area();
			runRight = Math.max(runRight, c.right());
		}
		return (runArea > bestRunArea) ? run : bestRun;
	}

	/** 8-connected components of the set pixels. */
	private static List<Component> components(boolean[] set, int width, int height) {
		int[] label = new int[set.length];
		List<Component> found = new ArrayList<>();
		int[] stack = new int[set.length];
		int next = 1;
		for (int start = 0; start < set.length; start++) {
			if (!set[start] || label[start] != 0) {
				continue;
			}
			int size = 0;
			stack[size++] = start;
			label[start] = next;
			List<Integer> pixels = new ArrayList<>();
			int left = width;
			int right = -1;
			int top = height;
			int bottom = -1;
			while (size > 0) {
				int i = stack[--size];
				pixels.add(i);
				int x = i % width;
				int y = i / width;
				left = Math.min(left, x);
				right = Math.max(right, x);
				top = Math.min(top, y);
				bottom = Math.max(bottom, y);
				for (int dy = -1; dy <= 1; dy++) {
					int ny = y + dy;
					if (ny < 0 || ny >= height) {
						continue;
					}
					for (int dx = -1; dx <= 1; dx++) {
						int nx = x + dx;
						if (nx < 0 || nx >= width) {
							continue;
						}
						int n = ny * width + nx;
						if (set[n] && label[n] == 0) {
							label[n] = next;
							stack[size++] = n;
						}
					}
				}
			}
			found.add(new Component(pixels.stream().mapToInt(Integer::intValue).toArray(), left, top, right, bottom));
			next++;
		}
		return found;
	}

	private record Component(int[] pixels, int left, int top, int right, int bottom) {

		int area() {
			return this.pixels.length;
		}

		int width() {
			return this.right - this.left + 1;
		}

		int height() {
			return this.bottom - this.top + 1;
		}

	}

}
