// Precompiled header: the heavy, stable includes every translation unit needs.
// ATen alone compiles in about a third of the time of <torch/torch.h>, so only archive.cc pulls in the full API.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <string>
#include <vector>
