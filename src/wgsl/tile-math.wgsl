// Elementwise math on the tiles of the recurrence kernels: 4 batch rows × 4 units held as a mat4x4f,
// column i = row i. WGSL's matrix operators are linear algebra (+, - and scalar * are elementwise
// already); these are the Hadamard product and the activations of activation.wgsl, tile-wide.
//
// The activations apply row by row, unrolled; with activations selected at run time (every one of
// them compiled in at each call) they loop over the rows instead: one call site, not four, keeps
// such a shader small enough for SwiftShader to compile in seconds rather than minutes.
//
// No bindings. Needs activation.wgsl.

const ONES = mat4x4f(vec4f(1.0), vec4f(1.0), vec4f(1.0), vec4f(1.0));

fn times(a: mat4x4f, b: mat4x4f) -> mat4x4f {
  return mat4x4f(a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]);
}

// activationValue(id, x) for every element of the tile.
fn valueTile(id: u32, x: mat4x4f) -> mat4x4f {
  if (ACTIVATION == RUNTIME_SELECTED) {
    var y = x;
    for (var i = 0u; i < 4u; i++) { y[i] = activationValue(id, x[i]); }
    return y;
  }
  return mat4x4f(
    activationValue(id, x[0]),
    activationValue(id, x[1]),
    activationValue(id, x[2]),
    activationValue(id, x[3]),
  );
}

// activationDerivative(id, x, y) for every element of the tile.
fn derivativeTile(id: u32, x: mat4x4f, y: mat4x4f) -> mat4x4f {
  if (ACTIVATION == RUNTIME_SELECTED) {
    var d = x;
    for (var i = 0u; i < 4u; i++) { d[i] = activationDerivative(id, x[i], y[i]); }
    return d;
  }
  return mat4x4f(
    activationDerivative(id, x[0], y[0]),
    activationDerivative(id, x[1], y[1]),
    activationDerivative(id, x[2], y[2]),
    activationDerivative(id, x[3], y[3]),
  );
}

fn activateTile(x: mat4x4f) -> mat4x4f {
  return valueTile(activationIds.x, x);
}

// d activation / dx at x, given y = activateTile(x).
fn activateGradTile(x: mat4x4f, y: mat4x4f) -> mat4x4f {
  return derivativeTile(activationIds.x, x, y);
}

fn recurrentActivateTile(x: mat4x4f) -> mat4x4f {
  return valueTile(activationIds.y, x);
}

fn recurrentActivateGradTile(x: mat4x4f, y: mat4x4f) -> mat4x4f {
  return derivativeTile(activationIds.y, x, y);
}
