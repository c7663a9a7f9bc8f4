/*
 * hand_over_hand.c — several threads walk a linked list with hand-over-hand
 * locking: take the next node's lock, then release the current one. Every
 * node lock comes from one pthread_mutex_init call, and every walk goes
 * head to tail, so the order is consistent: no finding at all (a detector
 * that merged locks by their init site would see node -> node cycles).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NODES 16
#define WALKERS 4
#define WALKS 50

typedef struct node {
    pthread_mutex_t lock;
    long visits;
    struct node *next;
} node;

static node *head;

static void *walker(void *arg) {
    (void)arg;
    for (int w = 0; w < WALKS; w++) {
        node *cur = head;
        pthread_mutex_lock(&cur->lock);
        while (cur->next) {
            node *next = cur->next;
            pthread_mutex_lock(&next->lock); /* @next */
            pthread_mutex_unlock(&cur->lock);
            cur = next;
            cur->visits++;
        }
        pthread_mutex_unlock(&cur->lock);
    }
    return NULL;
}

int main(void) {
    alarm(20);
    for (int i = 0; i < NODES; i++) {
        node *n = calloc(1, sizeof *n);
        if (!n) return 2;
        pthread_mutex_init(&n->lock, NULL);
        n->next = head;
        head = n;
    }
    pthread_t t[WALKERS];
    for (int i = 0; i < WALKERS; i++) pthread_create(&t[i], NULL, walker, NULL);
    for (int i = 0; i < WALKERS; i++) pthread_join(t[i], NULL);
    long tail_visits = 0;
    for (node *n = head; n; n = n->next) tail_visits = n->visits;
    printf("tail visited %ld times\n", tail_visits);
    return tail_visits == WALKERS * WALKS ? 0 : 1;
}
