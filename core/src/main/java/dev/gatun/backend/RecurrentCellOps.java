package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The pointwise part of one recurrent time step; the GEMMs are separate calls. Core ops of every
 * {@link Backend}. Each unchecked method reads batch and hidden off its [batch, hidden] tensors.
 */
public interface RecurrentCellOps {
    /**
     * LSTM step. gates [B, 4H] holds the pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in gate
     * order i, f, g, o (PyTorch's and cuDNN's) and is overwritten with σ(i), σ(f), tanh(g), σ(o);
     * then c = f·cPrev + i·g and h = o·tanh(c). cPrev, c, h are [B, H].
     *
     * @param gates the gate pre-activations [B, 4H], replaced by their activations
     * @param cPrev the previous cell state [B, H]
     * @param c receives the new cell state [B, H]
     * @param h receives the new hidden state [B, H]
     */
    default void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        RecurrentCellChecks.lstmCell(gates, cPrev, c, h);
        lstmCellUnchecked(gates, cPrev, c, h);
    }

    /**
     * {@link #lstmCell} on arguments it has checked.
     *
     * @param gates the gate pre-activations [B, 4H], replaced by their activations
     * @param cPrev the previous cell state [B, H]
     * @param c receives the new cell state [B, H]
     * @param h receives the new hidden state [B, H]
     */
    void lstmCellUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor h);

    /**
     * Backward of {@link #lstmCell} given its activated gates, cPrev and c. dh and dc are the
     * gradients reaching h and c (dc from the next step; may be null for none). Writes dGates
     * [B, 4H] (pre-activation gradients) and dcPrev [B, H].
     *
     * @param gates the activated gates [B, 4H] from the forward step
     * @param cPrev the previous cell state [B, H]
     * @param c the cell state [B, H] from the forward step
     * @param dh the gradient with respect to h [B, H]
     * @param dc the gradient with respect to c from the next step [B, H], or null for none
     * @param dGates receives the gradient with respect to the gate pre-activations [B, 4H]
     * @param dcPrev receives the gradient with respect to cPrev [B, H]
     */
    default void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                  Tensor dcPrev) {
        RecurrentCellChecks.lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
        lstmCellBackwardUnchecked(gates, cPrev, c, dh, dc, dGates, dcPrev);
    }

    /**
     * {@link #lstmCellBackward} on arguments it has checked.
     *
     * @param gates the activated gates [B, 4H] from the forward step
     * @param cPrev the previous cell state [B, H]
     * @param c the cell state [B, H] from the forward step
     * @param dh the gradient with respect to h [B, H]
     * @param dc the gradient with respect to c from the next step [B, H], or null for none
     * @param dGates receives the gradient with respect to the gate pre-activations [B, 4H]
     * @param dcPrev receives the gradient with respect to cPrev [B, H]
     */
    void lstmCellBackwardUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                   Tensor dcPrev);

    /**
     * GRU step, PyTorch's and cuDNN's formulation with gate order r, z, n: xg = x·W_ihᵀ + b_ih and
     * hg = h·W_hhᵀ + b_hh are [B, 3H]; r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn),
     * h = (1 − z)·n + z·hPrev. saved [B, 4H] receives r, z, n, hn for the backward pass.
     *
     * @param xg the input projection x·W_ihᵀ + b_ih [B, 3H]
     * @param hg the hidden projection h·W_hhᵀ + b_hh [B, 3H]
     * @param hPrev the previous hidden state [B, H]
     * @param h receives the new hidden state [B, H]
     * @param saved receives r, z, n and hn [B, 4H] for the backward pass
     */
    default void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        RecurrentCellChecks.gruCell(xg, hg, hPrev, h, saved);
        gruCellUnchecked(xg, hg, hPrev, h, saved);
    }

    /**
     * {@link #gruCell} on arguments it has checked.
     *
     * @param xg the input projection x·W_ihᵀ + b_ih [B, 3H]
     * @param hg the hidden projection h·W_hhᵀ + b_hh [B, 3H]
     * @param hPrev the previous hidden state [B, H]
     * @param h receives the new hidden state [B, H]
     * @param saved receives r, z, n and hn [B, 4H] for the backward pass
     */
    void gruCellUnchecked(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved);

    /**
     * Backward of {@link #gruCell}: from saved, hPrev and dh writes dxg [B, 3H] (the gradient of
     * the input projection), dhg [B, 3H] (of the hidden projection) and dhPrev [B, H] (the direct
     * path z·dh only; the caller adds dhg·W_hh).
     *
     * @param saved r, z, n and hn [B, 4H] from the forward step
     * @param hPrev the previous hidden state [B, H]
     * @param dh the gradient with respect to h [B, H]
     * @param dxg receives the gradient with respect to xg [B, 3H]
     * @param dhg receives the gradient with respect to hg [B, 3H]
     * @param dhPrev receives the direct-path gradient with respect to hPrev [B, H]
     */
    default void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        RecurrentCellChecks.gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
        gruCellBackwardUnchecked(saved, hPrev, dh, dxg, dhg, dhPrev);
    }

    /**
     * {@link #gruCellBackward} on arguments it has checked.
     *
     * @param saved r, z, n and hn [B, 4H] from the forward step
     * @param hPrev the previous hidden state [B, H]
     * @param dh the gradient with respect to h [B, H]
     * @param dxg receives the gradient with respect to xg [B, 3H]
     * @param dhg receives the gradient with respect to hg [B, 3H]
     * @param dhPrev receives the direct-path gradient with respect to hPrev [B, H]
     */
    void gruCellBackwardUnchecked(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev);
}
