#pragma once
// Exceptions thrown at the API boundary. Each class mirrors a NEST error name so
// that PyNEST users recognise them; the Python bindings map them one to one.
#include <stdexcept>
#include <string>
#include <vector>

namespace nestkit {

class Error : public std::runtime_error {
 public:
  Error(std::string kind, const std::string& msg) : std::runtime_error(msg), kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

#define NESTKIT_ERROR(Name)                                                   \
  class Name : public Error {                                                 \
   public:                                                                    \
    explicit Name(const std::string& msg) : Error(#Name, #Name ": " + msg) {} \
  };

NESTKIT_ERROR(UnknownModelName)
NESTKIT_ERROR(UnknownParameter)
NESTKIT_ERROR(BadProperty)
NESTKIT_ERROR(BadParameterValue)
NESTKIT_ERROR(BadDelay)
NESTKIT_ERROR(KernelException)
NESTKIT_ERROR(IllegalConnection)
NESTKIT_ERROR(UnitError)
NESTKIT_ERROR(UnknownNode)
NESTKIT_ERROR(TypeMismatch)
NESTKIT_ERROR(UnknownReceptorType)
NESTKIT_ERROR(IOError)
// In Python these three are also BadProperty (what nestkit raised for them before).
NESTKIT_ERROR(NotImplemented)
NESTKIT_ERROR(NewModelNameExists)
NESTKIT_ERROR(StepMultipleRequired)
#undef NESTKIT_ERROR

// Names from `candidates` closest to `name` (edit distance), best first.
std::vector<std::string> closest_names(const std::string& name, const std::vector<std::string>& candidates,
                                       std::size_t max_results = 3);
// " Did you mean 'a', 'b'?" or "" when nothing is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace nestkit
