namespace CaseApi.Statistics.Coverage;

/// <summary>One Poisson log-linear fit: coefficients, their covariance (the inverse Fisher information; empty when not asked for),
/// fitted means.</summary>
public sealed record PoissonFit(double[] Beta, double[,] Covariance, double[] Mu, double Deviance, double LogLikelihood, bool Converged)
{
    public int Rank => Beta.Length;
}

/// <summary>
/// Poisson regression with log link by iteratively reweighted least squares, which for this canonical link is Newton's
/// method (McCullagh &amp; Nelder 1989, Generalized Linear Models, 2nd ed., §2.5): β ← (XᵀWX)⁻¹XᵀWz with W = diag(μ),
/// z = η + (y − μ)/μ, started like R's glm from μ = y + ⅒ and stopped like it, when the deviance changes by less than
/// 1e-8 relative. Plain arrays rather than a matrix library: a five-list request fits some 40,000 of these small systems.
/// </summary>
public static class PoissonRegression
{
    private const int MaxIterations = 60;

    /// <summary>Null when XᵀWX is singular: the design does not identify every coefficient from these cells.</summary>
    public static PoissonFit? Fit(double[][] x, double[] y, double[]? start = null, bool covariance = true)
    {
        int n = y.Length, p = x[0].Length;
        var mu = new double[n];
        var eta = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (start is null)
            {
                mu[i] = y[i] + 0.1;
                eta[i] = Math.Log(mu[i]);
            }
            else
            {
                eta[i] = Dot(x[i], start);
                mu[i] = Math.Exp(eta[i]);
            }
        }

        var beta = start ?? new double[p];
        var deviance = Deviance(y, mu);
        var converged = false;
        var information = new double[p, p];
        var factor = new double[p, p];
        var score = new double[p];
        for (var iteration = 0; iteration < MaxIterations && !converged; iteration++)
        {
            Array.Clear(information);
            Array.Clear(score);
            for (var i = 0; i < n; i++)
            {
                var z = eta[i] + ((y[i] - mu[i]) / mu[i]);
                for (var a = 0; a < p; a++)
                {
                    if (x[i][a] == 0) continue;
                    var wa = mu[i] * x[i][a];
                    score[a] += wa * z;
                    for (var b = 0; b <= a; b++) information[a, b] += wa * x[i][b];
                }
            }
            if (!Cholesky.Factor(information, factor, p)) return null;
            beta = Cholesky.Solve(factor, score, p);
            for (var i = 0; i < n; i++)
            {
                eta[i] = Dot(x[i], beta);
                mu[i] = Math.Exp(eta[i]);
            }
            if (!beta.All(double.IsFinite) || !mu.All(double.IsFinite)) return null;

            var next = Deviance(y, mu);
            converged = Math.Abs(next - deviance) / (Math.Abs(next) + 0.1) < 1e-8;
            deviance = next;
        }

        // The covariance is the inverse information at the estimate (the last iteration's, as R's glm reports it).
        var inverse = covariance ? Cholesky.Invert(factor, p) : new double[0, 0];
        var logLikelihood = 0.0;
        for (var i = 0; i < n; i++) logLikelihood += (y[i] > 0 ? y[i] * Math.Log(mu[i]) : 0) - mu[i] - LogFactorial(y[i]);
        return new PoissonFit(beta, inverse, mu, deviance, logLikelihood, converged);
    }

    public static double LogFactorial(double v) => MathNet.Numerics.SpecialFunctions.GammaLn(v + 1);

    private static double Deviance(double[] y, double[] mu)
    {
        var deviance = 0.0;
        for (var i = 0; i < y.Length; i++) deviance += 2 * ((y[i] > 0 ? y[i] * Math.Log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
        return deviance;
    }

    private static double Dot(double[] row, double[] beta)
    {
        var sum = 0.0;
        for (var j = 0; j < beta.Length; j++) sum += row[j] * beta[j];
        return sum;
    }

    /// <summary>Cholesky factor, solve and inverse of a symmetric positive-definite matrix (lower triangle given).</summary>
    private static class Cholesky
    {
        public static bool Factor(double[,] a, double[,] l, int p)
        {
            for (var j = 0; j < p; j++)
            {
                var d = a[j, j];
                for (var k = 0; k < j; k++) d -= l[j, k] * l[j, k];
                // A pivot this small against its own diagonal means the column repeats others: a direction the data do not
                // inform. A small diagonal alone is only a cell fitted near zero, on its way to a boundary, as in R's glm.
                if (!(d > 1e-9 * a[j, j]) || !(a[j, j] > 0)) return false;
                l[j, j] = Math.Sqrt(d);
                for (var i = j + 1; i < p; i++)
                {
                    var s = a[i, j];
                    for (var k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                    l[i, j] = s / l[j, j];
                }
            }
            return true;
        }

        /// <summary>x with LLᵀx = b: forward, then back substitution.</summary>
        public static double[] Solve(double[,] l, double[] b, int p)
        {
            var x = new double[p];
            for (var i = 0; i < p; i++)
            {
                var s = b[i];
                for (var k = 0; k < i; k++) s -= l[i, k] * x[k];
                x[i] = s / l[i, i];
            }
            for (var i = p - 1; i >= 0; i--)
            {
                var s = x[i];
                for (var k = i + 1; k < p; k++) s -= l[k, i] * x[k];
                x[i] = s / l[i, i];
            }
            return x;
        }

        /// <summary>(LLᵀ)⁻¹ = L⁻ᵀL⁻¹, with L⁻¹ by forward substitution.</summary>
        public static double[,] Invert(double[,] l, int p)
        {
            var li = new double[p, p];
            for (var j = 0; j < p; j++)
            {
                li[j, j] = 1 / l[j, j];
                for (var i = j + 1; i < p; i++)
                {
                    var s = 0.0;
                    for (var k = j; k < i; k++) s -= l[i, k] * li[k, j];
                    li[i, j] = s / l[i, i];
                }
            }
            var inverse = new double[p, p];
            for (var i = 0; i < p; i++)
            {
                for (var j = 0; j <= i; j++)
                {
                    var s = 0.0;
                    for (var k = i; k < p; k++) s += li[k, i] * li[k, j];
                    inverse[i, j] = inverse[j, i] = s;
                }
            }
            return inverse;
        }
    }
}
