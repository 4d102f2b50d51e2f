// line_plot.cpp -- rasterising the chart into an RGB buffer and encoding it with libpng.
#include "common/line_plot.h"

#include "common/error.h"
#include "common/file_util.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace tesa {

namespace {

// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
struct Glyph {
    char c;
    uint8_t rows[7];
};
constexpr Glyph kFont[] = {
    {'0', {14, 17, 19, 21, 25, 17, 14}}, {'1', {4, 12, 4, 4, 4, 4, 14}},     {'2', {14, 17, 1, 2, 4, 8, 31}},
    {'3', {31, 2, 4, 2, 1, 17, 14}},     {'4', {2, 6, 10, 18, 31, 2, 2}},    {'5', {31, 16, 30, 1, 1, 17, 14}},
    {'6', {6, 8, 16, 30, 17, 17, 14}},   {'7', {31, 1, 2, 4, 8, 8, 8}},      {'8', {14, 17, 17, 14, 17, 17, 14}},
    {'9', {14, 17, 17, 15, 1, 2, 12}},   {'.', {0, 0, 0, 0, 0, 12, 12}},     {',', {0, 0, 0, 0, 12, 4, 8}},
    {'-', {0, 0, 0, 31, 0, 0, 0}},       {'+', {0, 4, 4, 31, 4, 4, 0}},      {'%', {24, 25, 2, 4, 8, 19, 3}},
    {'(', {2, 4, 8, 8, 8, 4, 2}},        {')', {8, 4, 2, 2, 2, 4, 8}},       {'/', {0, 1, 2, 4, 8, 16, 0}},
    {':', {0, 12, 12, 0, 12, 12, 0}},    {'=', {0, 0, 31, 0, 31, 0, 0}},     {'_', {0, 0, 0, 0, 0, 0, 31}},
    {'A', {14, 17, 17, 31, 17, 17, 17}}, {'B', {30, 17, 17, 30, 17, 17, 30}}, {'C', {14, 17, 16, 16, 16, 17, 14}},
    {'D', {28, 18, 17, 17, 17, 18, 28}}, {'E', {31, 16, 16, 30, 16, 16, 31}}, {'F', {31, 16, 16, 30, 16, 16, 16}},
    {'G', {14, 17, 16, 23, 17, 17, 15}}, {'H', {17, 17, 17, 31, 17, 17, 17}}, {'I', {14, 4, 4, 4, 4, 4, 14}},
    {'J', {7, 2, 2, 2, 2, 18, 12}},      {'K', {17, 18, 20, 24, 20, 18, 17}}, {'L', {16, 16, 16, 16, 16, 16, 31}},
    {'M', {17, 27, 21, 21, 17, 17, 17}}, {'N', {17, 17, 25, 21, 19, 17, 17}}, {'O', {14, 17, 17, 17, 17, 17, 14}},
    {'P', {30, 17, 17, 30, 16, 16, 16}}, {'Q', {14, 17, 17, 17, 21, 18, 13}}, {'R', {30, 17, 17, 30, 20, 18, 17}},
    {'S', {15, 16, 16, 14, 1, 1, 30}},   {'T', {31, 4, 4, 4, 4, 4, 4}},      {'U', {17, 17, 17, 17, 17, 17, 14}},
    {'V', {17, 17, 17, 17, 17, 10, 4}},  {'W', {17, 17, 17, 21, 21, 21, 10}}, {'X', {17, 17, 10, 4, 10, 17, 17}},
    {'Y', {17, 17, 10, 4, 4, 4, 4}},     {'Z', {31, 1, 2, 4, 8, 16, 31}},
};

struct Rgb {
    uint8_t r, g, b;
};
constexpr Rgb kPalette[] = {{0, 0, 0}, {214, 39, 40}, {31, 119, 180}, {44, 160, 44}, {255, 127, 14}, {148, 103, 189}};

class Canvas {
public:
    Canvas(int w, int h) : w_(w), h_(h), px_(static_cast<size_t>(w) * h * 3, 255) {}
    void set(int x, int y, Rgb c) {
        if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
        uint8_t* p = &px_[(static_cast<size_t>(y) * w_ + x) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
    }
    void rect(int x0, int y0, int x1, int y1, Rgb c) {
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) set(x, y, c);
    }
    // Bresenham, `thick` pixels wide.
    void line(int x0, int y0, int x1, int y1, Rgb c, int thick = 1) {
        const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        int err = dx + dy;
        for (;;) {
            rect(x0 - thick / 2, y0 - thick / 2, x0 + (thick - 1) / 2, y0 + (thick - 1) / 2, c);
            if (x0 == x1 && y0 == y1) break;
            const int e2 = 2 * err;
            if (e2 >= dy) {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx) {
                err += dx;
                y0 += sy;
            }
        }
    }
    // Text at scale s (glyph 5s x 7s, advance 6s); lower case drawn as upper case.
    void text(int x, int y, const std::string& s, Rgb c, int scale = 2) {
        for (char ch : s) {
            const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            for (const Glyph& g : kFont)
                if (g.c == u)
                    for (int r = 0; r < 7; ++r)
                        for (int col = 0; col < 5; ++col)
                            if ((g.rows[r] >> (4 - col)) & 1) rect(x + col * scale, y + r * scale, x + col * scale + scale - 1, y + r * scale + scale - 1, c);
            x += 6 * scale;
        }
    }
    static int text_width(const std::string& s, int scale = 2) { return static_cast<int>(s.size()) * 6 * scale; }
    const std::vector<uint8_t>& pixels() const { return px_; }

private:
    int w_, h_;
    std::vector<uint8_t> px_;
};

std::string format_tick(double v, double step) {
    char buf[32];
    const int decimals = step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// A "nice" tick step (1, 2 or 5 x 10^k) giving about `n` ticks over `range`.
double nice_step(double range, int n) {
    const double raw = range / n, mag = std::pow(10.0, std::floor(std::log10(raw))), f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

void append_png(png_structp png, png_bytep data, png_size_t n) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), n);
}

}  // namespace

std::string LinePlot::render_png() const {
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& s : series) {
        if (s.x.size() != s.y.size()) fail("plot series '" + s.label + "': x and y differ in length");
        for (double v : s.x) xmin = std::min(xmin, v), xmax = std::max(xmax, v);
        for (double v : s.y) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
    }
    if (xmin > xmax) fail("plot '" + title + "' has no points");
    if (xmax - xmin < 1e-12) xmin -= 0.5, xmax += 0.5;
    if (ymax - ymin < 1e-12) ymin -= 1, ymax += 1;
    const double ypad = 0.05 * (ymax - ymin);
    ymin -= ypad;
    ymax += ypad;
    Canvas c(width, height);
    const Rgb ink = kPalette[0], grid = {225, 225, 225};
    const int left = 90, right = width - 220, top = 64, bottom = height - 70;
    auto px = [&](double x) { return left + static_cast<int>(std::lround((x - xmin) / (xmax - xmin) * (right - left))); };
    auto py = [&](double y) { return bottom - static_cast<int>(std::lround((y - ymin) / (ymax - ymin) * (bottom - top))); };
    c.text(left, 8, title, ink);
    const double xs = nice_step(xmax - xmin, 6), ys = nice_step(ymax - ymin, 6);
    for (double t = std::ceil(xmin / xs) * xs; t <= xmax + 1e-9 * xs; t += xs) {
        c.line(px(t), top, px(t), bottom, grid);
        const std::string s = format_tick(t, xs);
        c.text(px(t) - Canvas::text_width(s) / 2, bottom + 10, s, ink);
    }
    for (double t = std::ceil(ymin / ys) * ys; t <= ymax + 1e-9 * ys; t += ys) {
        c.line(left, py(t), right, py(t), grid);
        const std::string s = format_tick(t, ys);
        c.text(left - 10 - Canvas::text_width(s), py(t) - 7, s, ink);
    }
    c.line(left, bottom, right, bottom, ink, 2);
    c.line(left, top, left, bottom, ink, 2);
    c.text((left + right - Canvas::text_width(x_label)) / 2, bottom + 40, x_label, ink);
    c.text(10, top - 28, y_label, ink);
    for (size_t i = 0; i < series.size(); ++i) {
        const PlotSeries& s = series[i];
        const Rgb col = kPalette[1 + i % (sizeof kPalette / sizeof kPalette[0] - 1)];
        std::vector<size_t> order(s.x.size());
        for (size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s.x[a] < s.x[b]; });
        for (size_t k = 0; k + 1 < order.size(); ++k)
            c.line(px(s.x[order[k]]), py(s.y[order[k]]), px(s.x[order[k + 1]]), py(s.y[order[k + 1]]), col, 3);
        for (size_t k : order) c.rect(px(s.x[k]) - 4, py(s.y[k]) - 4, px(s.x[k]) + 4, py(s.y[k]) + 4, col);
        const int ly = top + 10 + static_cast<int>(i) * 30;
        c.line(right + 20, ly + 7, right + 50, ly + 7, col, 3);
        c.text(right + 58, ly, s.label, ink);
    }
    std::string bytes;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) fail("libpng: cannot create a write structure");
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fail("libpng: encoding the plot failed");
    }
    png_set_write_fn(png, &bytes, append_png, nullptr);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y) png_write_row(png, const_cast<png_bytep>(&c.pixels()[static_cast<size_t>(y) * width * 3]));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return bytes;
}

void LinePlot::write_png(const std::filesystem::path& file) const { write_file_atomic(file, render_png()); }

}  // namespace tesa
