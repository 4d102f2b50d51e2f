// line_plot.h -- a small line chart written as PNG (libpng), for result figures of studies:
// axes with numbered ticks, one coloured polyline with square markers per series, a legend.
// Text uses a built-in 5x7 bitmap font (upper-case letters, digits and a few signs).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct PlotSeries {
    std::string label;
    std::vector<double> x, y;
};

struct LinePlot {
    std::string title, x_label, y_label;
    std::vector<PlotSeries> series;
    int width = 800, height = 520;

    // Renders to PNG bytes; axis ranges cover all points (y padded a little).
    std::string render_png() const;
    void write_png(const std::filesystem::path& file) const;  // atomic
};

}  // namespace tesa
