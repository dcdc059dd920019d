#include "assignment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace ytvis {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::ptrdiff_t kNone = -1;

/// Dual potentials and the partial assignment, for a problem with rows <= cols.
class AugmentingSolver {
 public:
  AugmentingSolver(const std::vector<double>& cost, std::size_t rows, std::size_t cols)
      : cost_(cost),
        rows_(rows),
        cols_(cols),
        row_potential_(rows, 0.0),
        col_potential_(cols, 0.0),
        path_cost_(cols),
        predecessor_(cols, kNone),
        col_of_row_(rows, kNone),
        row_of_col_(cols, kNone),
        row_seen_(rows),
        col_seen_(cols),
        unvisited_(cols) {}

  std::vector<std::ptrdiff_t> solve() {
    for (std::size_t row = 0; row < rows_; ++row) {
      double reached = 0;
      const std::ptrdiff_t sink = shortest_path(row, reached);
      if (sink == kNone) throw std::invalid_argument("assignment: the cost matrix is infeasible");
      // Update the potentials along the tree of shortest paths.
      row_potential_[row] += reached;
      for (std::size_t i = 0; i < rows_; ++i) {
        if (row_seen_[i] && i != row) {
          row_potential_[i] += reached - path_cost_[static_cast<std::size_t>(col_of_row_[i])];
        }
      }
      for (std::size_t j = 0; j < cols_; ++j) {
        if (col_seen_[j]) col_potential_[j] -= reached - path_cost_[j];
      }
      // Flip the augmenting path back to the row that started it.
      std::ptrdiff_t col = sink;
      while (true) {
        const std::ptrdiff_t i = predecessor_[static_cast<std::size_t>(col)];
        row_of_col_[static_cast<std::size_t>(col)] = i;
        std::swap(col_of_row_[static_cast<std::size_t>(i)], col);
        if (static_cast<std::size_t>(i) == row) break;
      }
    }
    return col_of_row_;
  }

 private:
  /// Dijkstra from `row` over reduced costs until an unassigned column is reached;
  /// returns that column (or kNone) and its path cost in `reached`.
  std::ptrdiff_t shortest_path(std::size_t row, double& reached) {
    double lowest_so_far = 0;
    std::size_t remaining = cols_;
    // Reverse order, so that a constant matrix gives the identity assignment.
    for (std::size_t k = 0; k < cols_; ++k) unvisited_[k] = cols_ - k - 1;
    std::fill(row_seen_.begin(), row_seen_.end(), false);
    std::fill(col_seen_.begin(), col_seen_.end(), false);
    std::fill(path_cost_.begin(), path_cost_.end(), kInfinity);
    std::size_t i = row;
    while (true) {
      std::size_t best_at = 0;
      double lowest = kInfinity;
      bool found = false;
      row_seen_[i] = true;
      for (std::size_t k = 0; k < remaining; ++k) {
        const std::size_t j = unvisited_[k];
        const double reduced = lowest_so_far + cost_[i * cols_ + j] - row_potential_[i] - col_potential_[j];
        if (reduced < path_cost_[j]) {
          predecessor_[j] = static_cast<std::ptrdiff_t>(i);
          path_cost_[j] = reduced;
        }
        // Among equal costs prefer a free column: it ends the search.
        if (path_cost_[j] < lowest || (path_cost_[j] == lowest && row_of_col_[j] == kNone)) {
          lowest = path_cost_[j];
          best_at = k;
          found = true;
        }
      }
      lowest_so_far = lowest;
      if (!found || lowest == kInfinity) return kNone;
      const std::size_t j = unvisited_[best_at];
      col_seen_[j] = true;
      unvisited_[best_at] = unvisited_[--remaining];
      if (row_of_col_[j] == kNone) {
        reached = lowest_so_far;
        return static_cast<std::ptrdiff_t>(j);
      }
      i = static_cast<std::size_t>(row_of_col_[j]);
    }
  }

  const std::vector<double>& cost_;
  std::size_t rows_, cols_;
  std::vector<double> row_potential_, col_potential_, path_cost_;
  std::vector<std::ptrdiff_t> predecessor_, col_of_row_, row_of_col_;
  std::vector<bool> row_seen_, col_seen_;
  std::vector<std::size_t> unvisited_;
};

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> min_cost_assignment(const double* cost, std::size_t rows,
                                                                     std::size_t cols) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  if (rows == 0 || cols == 0) return pairs;
  for (std::size_t k = 0; k < rows * cols; ++k) {
    if (!std::isfinite(cost[k])) throw std::invalid_argument("assignment: costs must be finite");
  }
  // The solver needs rows <= cols: solve the transpose of a tall matrix.
  const bool transposed = cols < rows;
  const std::size_t n_rows = transposed ? cols : rows, n_cols = transposed ? rows : cols;
  std::vector<double> matrix(rows * cols);
  for (std::size_t i = 0; i < n_rows; ++i) {
    for (std::size_t j = 0; j < n_cols; ++j) {
      matrix[i * n_cols + j] = transposed ? cost[j * cols + i] : cost[i * cols + j];
    }
  }
  const std::vector<std::ptrdiff_t> col_of_row = AugmentingSolver(matrix, n_rows, n_cols).solve();
  pairs.reserve(n_rows);
  for (std::size_t i = 0; i < n_rows; ++i) {
    const auto j = static_cast<std::size_t>(col_of_row[i]);
    pairs.emplace_back(transposed ? j : i, transposed ? i : j);
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace ytvis
