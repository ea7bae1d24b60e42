package io.captionflow.worker.textimage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

import io.captionflow.worker.image.GrayImage;
import org.jspecify.annotations.Nullable;

/**
 * Finds a burned-in caption's text in its frames and returns it alone, black on white, so
 * that the moving texture behind it cannot decide the threshold or be read as text.
 * <ol>
 * <li>Caption pixels stay put for the caption's whole range: a pixel whose value moves by
 * more than {@value #STABLE_DEVIATION} from its median in more than a tenth of the frames
 * is background.</li>
 * <li>Caption fill is bright (white or yellow): of the stable pixels, those at least
 * {@value #BRIGHT} in the median are text candidates.</li>
 * <li>Candidates are grouped into connected components. Components touching the top or
 * bottom of the box, taller than most of it, or solid and square (cells of a grid, blocks
 * of texture) do not decide where the text is.</li>
 * <li>The glyphs of a caption share a line: the band where most glyph area lies, and in
 * it the longest run of glyphs without a wide gap, is the caption's first line. A band
 * just above or below it, with glyphs of the same height, is a second or third line.</li>
 * <li>A caption has one fill colour, and its glyphs are drawn apart from whatever is
 * behind them (an outline, a box, or the plain contrast of the fill): a component
 * brighter or much dimmer than the caption's fill, or one less than
 * {@value #MIN_CONTRAST} brighter than its rim {@value #RIM} px outside, is
 * background.</li>
 * </ol>
 * Nothing left means no caption: the reader then says nothing rather than read noise.
 */
public final class TextIsolation {

	static final int STABLE_DEVIATION = 24;

	static final int BRIGHT = 160;

	private static final int MIN_GLYPH_AREA = 6;

	private static final int MIN_TEXT_AREA = 60;

	private static final int MAX_LINES = 3;

	private static final int FILL_ABOVE = 10;

	private static final int FILL_BELOW = 12;

	private static final int PEAK_BELOW = 8;

	private static final int RIM = 2;

	private static final int MIN_CONTRAST = 40;

	private TextIsolation() {
	}

	/**
	 * The caption's text, isolated.
	 *
	 * @param image the text black on white, the size of the caption box
	 * @param lines how many lines of text were found
	 */
	public record Text(GrayImage image, int lines) {
	}

	/**
	 * Isolates the caption text.
	 * @param frames the caption's frames, cropped to the caption box
	 * @param median their median
	 * @return the text, or null when there is none
	 */
	public static @Nullable Text isolate(List<GrayImage> frames, GrayImage median) {
		int width = median.width();
		int height = median.height();
		byte[] mid = median.pixels();
		boolean[] candidate = candidates(frames, mid);
		Labels labels = Labels.of(candidate, mid, width, height);
		List<Component> glyphs = new ArrayList<>();
		List<Component> dots = new ArrayList<>();
		for (Component component : labels.components) {
			if (isGlyph(component, height)) {
				(isSolidSquare(component) ? dots : glyphs).add(component);
			}
		}
		List<List<Component>> lines = lines(glyphs);
		List<Component> text = new ArrayList<>();
		for (List<Component> line : lines) {
			text.addAll(withDots(line, dots));
		}
		text = inFill(text, lines);
		text.removeIf((c) -> c.brightness - rim(c, labels.label, mid, width, height) < MIN_CONTRAST);
		int area = text.stream().mapToInt(Component::area).sum();
		if (area < MIN_TEXT_AREA) {
			return null;
		}
		boolean[] keep = new boolean[labels.components.size() + 1];
		for (Component component : text) {
			keep[component.label] = true;
		}
		int[] label = labels.label;
		byte[] out = new byte[mid.length];
		for (int i = 0; i < out.length; i++) {
			out[i] = keep[label[i]] ? 0 : (byte) 255;
		}
		long lineCount = lines.stream().filter((line) -> line.stream().anyMatch((c) -> keep[c.label])).count();
		return new Text(new GrayImage(width, height, out), (int) lineCount);
	}

	/**
	 * Pixels bright in the median that stay within {@value #STABLE_DEVIATION} of it in
	 * all but a tenth of the frames (compression flickers now and then; moving texture
	 * changes in most frames). With fewer than three frames, every bright pixel.
	 */
	private static boolean[] candidates(List<GrayImage> frames, byte[] mid) {
		boolean[] candidate = new boolean[mid.length];
		int[] bright = new int[mid.length];
		int count = 0;
		for (int i = 0; i < mid.length; i++) {
			if ((mid[i] & 0xFF) >= BRIGHT) {
				candidate[i] = true;
				bright[count++] = i;
			}
		}
		if (frames.size() < 3) {
			return candidate;
		}
		int[] unstable = new int[count];
		for (GrayImage frame : frames) {
			byte[] pixels = frame.pixels();
			for (int k = 0; k < count; k++) {
				int i = bright[k];
				int d = (pixels[i] & 0xFF) - (mid[i] & 0xFF);
				if (d > STABLE_DEVIATION || d < -STABLE_DEVIATION) {
					unstable[k]++;
				}
			}
		}
		int allowed = frames.size() / 10;
		for (int k = 0; k < count; k++) {
			if (unstable[k] > allowed) {
				candidate[bright[k]] = false;
			}
		}
		return candidate;
	}

	private static boolean isGlyph(Component c, int boxHeight) {
		if (c.area < MIN_GLYPH_AREA) {
			return false;
		}
		return !(c.top == 0 || c.bottom == boxHeight - 1 || c.height() > boxHeight * 0.6);
	}

	/**
	 * A solid, square block: a cell of texture, or the dot of a period, colon or i. Such
	 * blocks take no part in finding the line, and are kept only where a dot belongs.
	 */
	private static boolean isSolidSquare(Component c) {
		double fill = (double) c.area / (c.width() * c.height());
		double aspect = (double) c.width() / c.height();
		return fill > 0.85 && aspect > 0.6 && aspect < 1.6 && c.height() > 4;
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
			if (dot.height() <= lineHeight * 0.4 && dot.top >= top - slack && dot.bottom <= bottom + slack
					&& dot.left >= left - slack && dot.right <= right + lineHeight) {
				text.add(dot);
			}
		}
		return text;
	}

	/**
	 * The components of the caption's fill colour: the mean brightness of the glyph
	 * holding the middle of the glyph area. A component brighter than that by more than
	 * {@value #FILL_ABOVE} is background (brighter texture); so is one whose mean is
	 * dimmer by more than {@value #FILL_BELOW} and whose brightest pixel is dimmer than
	 * the glyphs' by more than {@value #PEAK_BELOW} (small glyphs, blurred, have a dimmer
	 * mean but the same peak).
	 */
	private static List<Component> inFill(List<Component> text, List<List<Component>> lines) {
		List<Component> glyphs = lines.stream().flatMap(List::stream).toList();
		if (glyphs.isEmpty()) {
			return text;
		}
		int fill = weightedMedian(glyphs, Component::brightness);
		int peak = weightedMedian(glyphs, Component::peak);
		List<Component> kept = new ArrayList<>();
		for (Component c : text) {
			boolean brighter = c.brightness > fill + FILL_ABOVE;
			boolean dimmer = c.brightness < fill - FILL_BELOW && c.peak < peak - PEAK_BELOW;
			if (!brighter && !dimmer) {
				kept.add(c);
			}
		}
		return kept;
	}

	/** The value of the component holding the middle of the components' area. */
	private static int weightedMedian(List<Component> components, ToIntFunction<Component> value) {
		List<Component> sorted = new ArrayList<>(components);
		sorted.sort(Comparator.comparingInt(value));
		long total = sorted.stream().mapToLong(Component::area).sum();
		long seen = 0;
		for (Component c : sorted) {
			seen += c.area;
			if (seen * 2 >= total) {
				return value.applyAsInt(c);
			}
		}
		return value.applyAsInt(sorted.get(sorted.size() - 1));
	}

	/**
	 * The caption's lines: the band where most glyph area lies, and in it the longest run
	 * of glyphs without a gap wider than a few line heights; then, next to it, up to two
	 * more such lines of glyphs of the same height.
	 */
	private static List<List<Component>> lines(List<Component> glyphs) {
		if (glyphs.isEmpty()) {
			return List.of();
		}
		int lineHeight = weightedMedianHeight(glyphs);
		List<Component> remaining = new ArrayList<>(glyphs);
		List<List<Component>> lines = new ArrayList<>();
		List<Component> first = bestLine(remaining, lineHeight, Integer.MIN_VALUE, Integer.MAX_VALUE);
		if (first.isEmpty()) {
			return List.of();
		}
		lines.add(first);
		remaining.removeAll(first);
		int firstArea = first.stream().mapToInt(Component::area).sum();
		int top = first.stream().mapToInt(Component::top).min().orElse(0);
		int bottom = first.stream().mapToInt(Component::bottom).max().orElse(0);
		while (lines.size() < MAX_LINES) {
			List<Component> next = bestLine(remaining, lineHeight, top - 2 * lineHeight, bottom + 2 * lineHeight);
			int area = next.stream().mapToInt(Component::area).sum();
			if (next.isEmpty() || area * 4 < firstArea
					|| Math.abs(weightedMedianHeight(next) - lineHeight) > lineHeight * 0.3) {
				break;
			}
			lines.add(next);
			remaining.removeAll(next);
			top = Math.min(top, next.stream().mapToInt(Component::top).min().orElse(top));
			bottom = Math.max(bottom, next.stream().mapToInt(Component::bottom).max().orElse(bottom));
		}
		lines.sort(Comparator.comparingInt((line) -> line.stream().mapToInt(Component::top).min().orElse(0)));
		return lines;
	}

	/**
	 * The height of the glyph holding the middle of all glyph area: cells of texture are
	 * many but small, the caption's glyphs few but large.
	 */
	private static int weightedMedianHeight(List<Component> glyphs) {
		return weightedMedian(glyphs, Component::height);
	}

	/**
	 * The band, centred between {@code from} and {@code to}, where most glyph area lies,
	 * and in it the run of glyphs with most area and no gap over three line heights.
	 */
	private static List<Component> bestLine(List<Component> glyphs, int lineHeight, int from, int to) {
		int maxBottom = glyphs.stream().mapToInt(Component::bottom).max().orElse(0);
		long[] areaByCentre = new long[maxBottom + 2];
		for (Component c : glyphs) {
			areaByCentre[(c.top + c.bottom) / 2] += c.area;
		}
		int best = -1;
		long bestArea = 0;
		for (int y = Math.max(0, from); y < Math.min(areaByCentre.length, to); y++) {
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
		if (best < 0) {
			return List.of();
		}
		int bandTop = best - (int) Math.round(lineHeight * 1.2);
		int bandBottom = best + (int) Math.round(lineHeight * 1.2);
		List<Component> band = new ArrayList<>();
		for (Component c : glyphs) {
			if (c.top >= bandTop && c.bottom <= bandBottom) {
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
			if (!run.isEmpty() && c.left - runRight > 3 * lineHeight) {
				if (runArea > bestRunArea) {
					bestRun = run;
					bestRunArea = runArea;
				}
				run = new ArrayList<>();
				runArea = 0;
				runRight = Integer.MIN_VALUE;
			}
			run.add(c);
			runArea += c.area;
			runRight = Math.max(runRight, c.right);
		}
		return (runArea > bestRunArea) ? run : bestRun;
	}

	/**
	 * The mean brightness just outside a component: of the pixels {@value #RIM} px out
	 * from each of its edge pixels, across the edge.
	 */
	private static int rim(Component c, int[] label, byte[] mid, int width, int height) {
		long sum = 0;
		int count = 0;
		for (int y = c.top; y <= c.bottom; y++) {
			for (int x = c.left; x <= c.right; x++) {
				int i = y * width + x;
				if (label[i] != c.label) {
					continue;
				}
				for (int d = 0; d < 4; d++) {
					int dx = (d == 0) ? 1 : (d == 1) ? -1 : 0;
					int dy = (d == 2) ? 1 : (d == 3) ? -1 : 0;
					int nx = x + dx;
					int ny = y + dy;
					if (nx < 0 || ny < 0 || nx >= width || ny >= height || label[ny * width + nx] == c.label) {
						continue;
					}
					int ox = x + RIM * dx;
					int oy = y + RIM * dy;
					if (ox >= 0 && oy >= 0 && ox < width && oy < height && label[oy * width + ox] != c.label) {
						sum += mid[oy * width + ox] & 0xFF;
						count++;
					}
				}
			}
		}
		return (count == 0) ? 0 : (int) (sum / count);
	}

	/** 8-connected components of the set pixels, with their labels. */
	private static final class Labels {

		final int[] label;

		final List<Component> components = new ArrayList<>();

		private Labels(int[] label) {
			this.label = label;
		}

		static Labels of(boolean[] set, byte[] mid, int width, int height) {
			Labels labels = new Labels(new int[set.length]);
			int[] label = labels.label;
			int[] stack = new int[set.length];
			for (int start = 0; start < set.length; start++) {
				if (!set[start] || label[start] != 0) {
					continue;
				}
				int next = labels.components.size() + 1;
				int size = 0;
				stack[size++] = start;
				label[start] = next;
				int area = 0;
				long brightness = 0;
				int peak = 0;
				int left = width;
				int right = -1;
				int top = height;
				int bottom = -1;
				while (size > 0) {
					int i = stack[--size];
					area++;
					brightness += mid[i] & 0xFF;
					peak = Math.max(peak, mid[i] & 0xFF);
					int y = i / width;
					int x = i - y * width;
					left = Math.min(left, x);
					right = Math.max(right, x);
					top = Math.min(top, y);
					bottom = Math.max(bottom, y);
					int y0 = Math.max(0, y - 1);
					int y1 = Math.min(height - 1, y + 1);
					int x0 = Math.max(0, x - 1);
					int x1 = Math.min(width - 1, x + 1);
					for (int ny = y0; ny <= y1; ny++) {
						for (int n = ny * width + x0, end = ny * width + x1; n <= end; n++) {
							if (set[n] && label[n] == 0) {
								label[n] = next;
								stack[size++] = n;
							}
						}
					}
				}
				labels.components
					.add(new Component(next, area, (int) (brightness / area), peak, left, top, right, bottom));
			}
			return labels;
		}

	}

	private record Component(int label, int area, int brightness, int peak, int left, int top, int right, int bottom) {

		int width() {
			return this.right - this.left + 1;
		}

		int height() {
			return this.bottom - this.top + 1;
		}

	}

}
