"""Two mistakes at once, shared by the tests of the visible and the hidden tests: a wrong
zero_pad (edge mode) and a conv_forward_naive that forgets the bias and calls zero_pad with
other arguments than the hidden tests expect (one image at a time), so no stand-in replaces it."""

TWO_MISTAKES = ['''
def zero_pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")
''', '''
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        xp = zero_pad(x[n:n + 1], pad)[0]             # one image at a time: other arguments
        for i in range(H_out):
            for j in range(W_out):
                window = xp[i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c])      # the bias forgotten
    return out, (x, w, b, stride, pad)
''']
