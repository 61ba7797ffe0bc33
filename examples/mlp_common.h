/*
 * examples/mlp_common.h - the model both multi-device examples run: a 2-layer
 * MLP  y = relu(x W1 + b1) W2 + b2  built with weir's C graph builder, its
 * deterministic weights, and a host reference to check results against.
 */
#ifndef WEIR_EXAMPLES_MLP_COMMON_H
#define WEIR_EXAMPLES_MLP_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "weir/graph.h"

enum { MLP_B = 32, MLP_D = 64, MLP_H = 128 };

typedef struct mlp_weights {
	float w1[MLP_D * MLP_H], b1[MLP_H], w2[MLP_H * MLP_D], b2[MLP_D];
} mlp_weights_t;

static inline float mlp_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (float)((*s >> 8) & 0xffff) / 65536.0f - 0.5f;
}

static inline void mlp_init(mlp_weights_t *w, uint32_t seed)
{
	for (int i = 0; i < MLP_D * MLP_H; i++) {
		w->w1[i] = mlp_rand(&seed) * 0.25f;
		w->w2[i] = mlp_rand(&seed) * 0.25f;
	}
	for (int i = 0; i < MLP_H; i++)
		w->b1[i] = mlp_rand(&seed) * 0.1f;
	for (int i = 0; i < MLP_D; i++)
		w->b2[i] = mlp_rand(&seed) * 0.1f;
}

static inline void mlp_input(float *x, uint32_t seed)
{
	for (int i = 0; i < MLP_B * MLP_D; i++)
		x[i] = mlp_rand(&seed) * 4.0f;
}

static inline void mlp_reference(const mlp_weights_t *w, const float *x, float *y)
{
	float *h = (float *)malloc(sizeof(float) * MLP_B * MLP_H);
	if (!h) {
		for (int i = 0; i < MLP_B * MLP_D; i++)
			y[i] = NAN;
		return;
	}
	for (int i = 0; i < MLP_B; i++)
		for (int j = 0; j < MLP_H; j++) {
			float s = 0;
			for (int k = 0; k < MLP_D; k++)
				s += x[i * MLP_D + k] * w->w1[k * MLP_H + j];
			s += w->b1[j];
			h[i * MLP_H + j] = s > 0 ? s : 0;
		}
	for (int i = 0; i < MLP_B; i++)
		for (int j = 0; j < MLP_D; j++) {
			float s = 0;
			for (int k = 0; k < MLP_H; k++)
				s += h[i * MLP_H + k] * w->w2[k * MLP_D + j];
			y[i * MLP_D + j] = s + w->b2[j];
		}
	free(h);
}

/* Largest |a-b| / (1 + |b|). */
static inline double mlp_max_err(const float *a, const float *b, int n)
{
	double m = 0;
	for (int i = 0; i < n; i++) {
		double e = fabs((double)a[i] - b[i]) / (1.0 + fabs((double)b[i]));
		if (!(e <= m))
			m = e; /* NaN propagates as a failure */
	}
	return m;
}

/* Build the MLP graph; returns a weir status. */
static inline int mlp_build(const char *name, const mlp_weights_t *w, weir_graph_t **out)
{
	weir_graph_t *g;
	weir_tensor_desc_t dx, dw1, db1, dw2, db2;
	weir_port_t x, w1, b1, w2, b2, in[2], o;
	uint32_t mm1, add1, relu, mm2, add2;
	int rc = weir_graph_create(name, &g);
	if (rc)
		return rc;
	int64_t sx[2] = { MLP_B, MLP_D }, sw1[2] = { MLP_D, MLP_H }, sb1[1] = { MLP_H },
	        sw2[2] = { MLP_H, MLP_D }, sb2[1] = { MLP_D };
	weir_tensor_desc_init(&dx, WEIR_DT_FLOAT, 2, sx);
	weir_tensor_desc_init(&dw1, WEIR_DT_FLOAT, 2, sw1);
	weir_tensor_desc_init(&db1, WEIR_DT_FLOAT, 1, sb1);
	weir_tensor_desc_init(&dw2, WEIR_DT_FLOAT, 2, sw2);
	weir_tensor_desc_init(&db2, WEIR_DT_FLOAT, 1, sb2);
	if ((rc = weir_graph_add_data(g, "x", 0, &dx, &x)) ||
	    (rc = weir_graph_add_const(g, "w1", &dw1, w->w1, &w1)) ||
	    (rc = weir_graph_add_const(g, "b1", &db1, w->b1, &b1)) ||
	    (rc = weir_graph_add_const(g, "w2", &dw2, w->w2, &w2)) ||
	    (rc = weir_graph_add_const(g, "b2", &db2, w->b2, &b2)))
		goto fail;
	in[0] = x;
	in[1] = w1;
	if ((rc = weir_graph_add_node(g, "fc1", "MatMul", in, 2, 0, &mm1)))
		goto fail;
	in[0] = weir_port(mm1, 0);
	in[1] = b1;
	if ((rc = weir_graph_add_node(g, "bias1", "Add", in, 2, 0, &add1)))
		goto fail;
	in[0] = weir_port(add1, 0);
	if ((rc = weir_graph_add_node(g, "relu", "Relu", in, 1, 0, &relu)))
		goto fail;
	in[0] = weir_port(relu, 0);
	in[1] = w2;
	if ((rc = weir_graph_add_node(g, "fc2", "MatMul", in, 2, 0, &mm2)))
		goto fail;
	in[0] = weir_port(mm2, 0);
	in[1] = b2;
	if ((rc = weir_graph_add_node(g, "bias2", "Add", in, 2, 0, &add2)))
		goto fail;
	o = weir_port(add2, 0);
	if ((rc = weir_graph_set_outputs(g, &o, 1)))
		goto fail;
	*out = g;
	return 0;
fail:
	weir_graph_destroy(g);
	return rc;
}

#endif
