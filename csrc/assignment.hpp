// Minimum-cost assignment of a rectangular cost matrix by shortest augmenting
// paths (Crouse, "On implementing 2D rectangular assignment algorithms", 2016),
// the method behind scipy.optimize.linear_sum_assignment. Ties are broken the
// same way, so equal-cost alternatives resolve to the same pairs.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace ytvis {

/// Pairs (row, column) of a minimum-cost assignment of the row-major rows x cols
/// matrix `cost`: min(rows, cols) pairs, sorted by row. Costs must be finite.
std::vector<std::pair<std::size_t, std::size_t>> min_cost_assignment(const double* cost, std::size_t rows,
                                                                     std::size_t cols);

}  // namespace ytvis
