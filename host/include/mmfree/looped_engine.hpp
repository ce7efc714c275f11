// The Engine of a CPU backend: one SequenceStepper per open sequence, a batch run by looping
// over its sequences and their tokens. Bit-exact with running each sequence alone, by design.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"
#include "mmfree/sequence_stepper.hpp"

namespace mmfree {

using StepperFactory = std::function<std::unique_ptr<SequenceStepper>()>;

// `make_stepper` is called once per open_sequence(); `model` must outlive the engine.
std::unique_ptr<Engine> make_looped_engine(std::string name, const Model& model, StepperFactory make_stepper);

}  // namespace mmfree
